import 'reflect-metadata';
import { Logger, Module, type DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { loadConfig, type AppConfig } from './config/config.js';
import { type ClientItem, completeCnpj, ErrorCode, formatCnpj } from './contract/index.js';
import { AppError } from './common/errors.js';
import { InfraModule } from './infra/infra.module.js';
import { ChatModule } from './modules/chat/chat.module.js';
import { ChatService } from './modules/chat/chat.service.js';
import { ClientsModule } from './modules/clients/clients.module.js';
import { ClientsService } from './modules/clients/clients.service.js';
import { FirmsModule } from './modules/firms/firms.module.js';
import { FirmsService } from './modules/firms/firms.service.js';
import { NotificationsModule } from './modules/notifications/notifications.module.js';
import { StaffModule } from './modules/staff/staff.module.js';
import { StaffService } from './modules/staff/staff.service.js';
import type { StaffPrincipal } from './modules/auth/principal.js';

@Module({})
class SeedModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: SeedModule,
      // Notifications too: seeded messages schedule their reminders as real ones do.
      imports: [
        InfraModule.forRoot(config),
        FirmsModule,
        StaffModule,
        ClientsModule,
        ChatModule,
        NotificationsModule,
      ],
    };
  }
}

const DEMO = {
  firm: { name: 'Contabilidade Demo Ltda', slug: 'demo' },
  admin: { name: 'Ana Administradora', email: 'admin@demo.connecthub.local', password: 'demo-admin-2026' },
  accountant: {
    name: 'Carlos Contador',
    email: 'carlos@demo.connecthub.local',
    password: 'demo-carlos-2026',
  },
};

/** Bases of 12 characters; the check digits are computed. Two use the 2026 alphanumeric format. */
const CLIENTS: { base: string; name: string; integrate: boolean }[] = [
  { base: '112223330001', name: 'Padaria Pão Quente Ltda', integrate: true },
  { base: '12ABC3450001', name: 'Tech Nova Sistemas S.A.', integrate: true },
  { base: '223334440001', name: 'Mercadinho Boa Vista ME', integrate: true },
  { base: '334445550001', name: 'Oficina Mecânica Irmãos Souza', integrate: false },
  { base: '445556660001', name: 'Clínica Sorriso Odontologia', integrate: false },
  { base: 'AB1CD2EF0001', name: 'Studio Pilates Equilíbrio', integrate: false },
  { base: '556667770001', name: 'Transportadora Rota Sul Ltda', integrate: false },
  { base: '667778880001', name: 'Restaurante Sabor Mineiro', integrate: false },
];

/** A short exchange in the first demo conversations, once (fixed clientMessageIds make it idempotent). */
async function seedConversation(chat: ChatService, staff: StaffPrincipal, client: ClientItem): Promise<void> {
  if (!client.conversationId || client.name.startsWith('Mercadinho')) return;
  const asClient = {
    kind: 'client' as const,
    sessionId: 'seed',
    firmId: staff.firmId,
    clientId: client.id,
    name: client.name,
    permissions: client.permissions,
    conversationId: client.conversationId,
  };
  const script: [typeof staff | typeof asClient, string][] = [
    [asClient, 'Bom dia! A guia do DAS deste mês já está disponível?'],
    [staff, 'Bom dia! Está sim, enviamos hoje cedo. Vence no dia 20.'],
    [asClient, 'Perfeito, obrigado. Vou pagar ainda hoje.'],
  ];
  for (const [i, [who, text]] of script.entries()) {
    const ack = await chat.send(who, {
      conversationId: client.conversationId,
      clientMessageId: `seed-${i}`,
      text,
    });
    if (!ack.ok) throw new Error(`seed message failed: ${ack.error.message}`);
  }
}

const config = loadConfig();
const app = await NestFactory.createApplicationContext(SeedModule.forRoot(config), {
  logger: ['error', 'warn'],
});
const log = new Logger('Seed');
try {
  const firms = app.get(FirmsService);
  const staffRepo = app.get(StaffService);
  const clients = app.get(ClientsService);
  let firm = await firms.findBySlug(DEMO.firm.slug);
  if (!firm) {
    await firms.signup({ firm: DEMO.firm, admin: DEMO.admin });
    firm = await firms.findBySlug(DEMO.firm.slug);
  }
  if (!firm) throw new Error('demo firm could not be created');
  const admin = await staffRepo.findByEmailForLogin(DEMO.admin.email);
  if (!admin) throw new Error(`demo admin ${DEMO.admin.email} is missing`);
  const caller: StaffPrincipal = {
    kind: 'staff',
    sessionId: 'seed',
    firmId: String(firm._id),
    staffId: String(admin._id),
    role: 'admin',
    name: admin.name,
  };
  if (!(await staffRepo.findByEmailForLogin(DEMO.accountant.email))) {
    await app.get(StaffService).create(caller, { ...DEMO.accountant, role: 'accountant' });
  }
  const chat = app.get(ChatService);
  const lines: string[] = [];
  for (const c of CLIENTS) {
    const cnpj = completeCnpj(c.base);
    const existing = (await clients.list(caller, { search: cnpj, filter: 'all', page: 1, pageSize: 1 }))
      .items[0];
    const item = existing ?? (await clients.create(caller, { cnpj, name: c.name, email: null }, 'seed'));
    if (c.integrate && !item.portal.enabled) await clients.setPortal(caller, item.id, { enabled: true });
    if (c.integrate) {
      await seedConversation(chat, caller, await clients.get(caller, item.id));
      // A demo client that chose its own password (in an earlier run) keeps it: say so.
      const password = await clients
        .viewPassword(caller, item.id)
        .then((v) => v.password)
        .catch((err: unknown) => {
          if (err instanceof AppError && err.code === ErrorCode.PasswordSetByClient) {
            return '(senha escolhida pelo cliente)';
          }
          throw err;
        });
      lines.push(`  ${formatCnpj(cnpj)}  ${password}  (${c.name})`);
    }
  }
  process.stdout.write(
    [
      'Demo data ready.',
      `Staff app: log in as ${DEMO.admin.email} / ${DEMO.admin.password} (admin)`,
      `       or ${DEMO.accountant.email} / ${DEMO.accountant.password} (accountant)`,
      `Client portal: ${config.PUBLIC_URL}/@${DEMO.firm.slug} — CNPJ and password:`,
      ...lines,
      '',
    ].join('\n'),
  );
} catch (err) {
  log.error(String((err as Error).stack ?? err));
  process.exitCode = 1;
} finally {
  await app.close();
}
