import 'reflect-metadata';
import { Logger, Module, type DynamicModule } from '@nestjs/common';
import { Readable } from 'node:stream';
import { NestFactory } from '@nestjs/core';
import { Types } from 'mongoose';
import { loadConfig, type AppConfig } from './config/config.js';
import {
  type ClientItem,
  completeCnpj,
  ErrorCode,
  formatCnpj,
  SERVICE_FORM_TEMPLATES,
  serviceFormRequestSchema,
} from './contract/index.js';
import { AppError } from './common/errors.js';
import { InfraModule } from './infra/infra.module.js';
import { ChatModule } from './modules/chat/chat.module.js';
import { ChatService } from './modules/chat/chat.service.js';
import { ClientsModule } from './modules/clients/clients.module.js';
import { ClientsService } from './modules/clients/clients.service.js';
import { FirmsModule } from './modules/firms/firms.module.js';
import { FirmsService } from './modules/firms/firms.service.js';
import { DocumentsModule } from './modules/documents/documents.module.js';
import { DocumentsService } from './modules/documents/documents.service.js';
import { GuideJobsService } from './modules/documents/guide-jobs.service.js';
import { FilesService } from './modules/files/files.service.js';
import { NotificationsModule } from './modules/notifications/notifications.module.js';
import { ServicesModule } from './modules/services/services.module.js';
import { ServicesService } from './modules/services/services.service.js';
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
        DocumentsModule,
        ServicesModule,
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

/** The ready-made service forms, once; and one order the firm opened for the first client. */
async function seedServices(
  services: ServicesService,
  staff: StaffPrincipal,
  client: ClientItem,
): Promise<void> {
  if ((await services.forms(staff)).items.length > 0) return;
  for (const t of SERVICE_FORM_TEMPLATES) await services.createForm(staff, serviceFormRequestSchema.parse(t));
  const order = await services.create(staff, {
    clientId: client.id,
    title: 'Declaração anual do Simples Nacional (DEFIS)',
    dueDate: undefined,
    note: 'Vamos preparar a DEFIS da sua empresa. Avisaremos aqui em cada etapa.',
  });
  await services.update(staff, order.id, { status: 'in_progress', assigneeId: staff.staffId });
}

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

/** A YYYY-MM-DD `days` from today, and the month before this one (YYYY-MM). */
const dayFromToday = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
function previousMonth(): string {
  const d = new Date();
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() - 1);
  return d.toISOString().slice(0, 7);
}

/**
 * The month's guias of the first demo clients, once: generated PDFs (pdfkit, a dev dependency)
 * read and delivered through the same processor the worker runs, so they arrive in the chat,
 * the client's Início and Processos, with due dates around today (one overdue, one soon).
 */
async function seedGuias(staff: StaffPrincipal, client: ClientItem): Promise<void> {
  const documents = app.get(DocumentsService);
  if ((await documents.list(staff, { clientId: client.id, page: 1, pageSize: 1 })).total > 0) return;
  let makeGuiaPdf: typeof import('./dev/guia-pdf.js').makeGuiaPdf;
  try {
    ({ makeGuiaPdf } = await import('./dev/guia-pdf.js'));
  } catch {
    log.warn('demo guias skipped: pdfkit (a dev dependency) is not installed');
    return;
  }
  const competence = previousMonth();
  const specs = client.cnpj.match(/[A-Z]/)
    ? [{ layout: 'darf-dctfweb' as const, dueDate: dayFromToday(3), amountCents: 284_590 }]
    : [
        { layout: 'das' as const, dueDate: dayFromToday(-10), amountCents: 123_456 },
        { layout: 'gps' as const, dueDate: dayFromToday(3), amountCents: 45_210 },
        { layout: 'gfd' as const, dueDate: dayFromToday(20), amountCents: 38_075 },
      ];
  const files = app.get(FilesService);
  const jobs = app.get(GuideJobsService);
  for (const spec of specs) {
    const pdf = await makeGuiaPdf({
      ...spec,
      cnpj: client.cnpj,
      companyName: client.name.toUpperCase(),
      competence,
    });
    const { file, sha256 } = await files.store(
      { name: `${spec.layout}-${competence}.pdf`, data: Readable.from([pdf]) },
      { firmId: staff.firmId, uploader: { kind: 'staff', id: staff.staffId }, conversationId: null },
    );
    const answer = await jobs.processSend({
      firmId: staff.firmId,
      clientId: client.id,
      documentId: String(new Types.ObjectId()),
      file: { id: file.id, name: file.name, contentType: file.meta.contentType, size: file.size, sha256 },
      category: 'guia',
      title: null,
      emailUntil: null,
      sender: { kind: 'staff', id: staff.staffId, name: staff.name },
    });
    if (!answer.ok) log.warn(`demo guia ${spec.layout} for ${client.name} not delivered: ${answer.message}`);
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
    if (c.integrate && !item.portal.enabled) {
      await clients.setPortal(caller, item.id, {
        enabled: true,
        permissions: {
          chat: true,
          documents: true,
          serviceForms: true,
          fiscalStatus: true,
          onlineStatus: true,
          dasSimples: true,
          sendGuides: true,
        },
      });
    }
    if (c.integrate) {
      await seedConversation(chat, caller, await clients.get(caller, item.id));
      if (!c.name.startsWith('Mercadinho')) await seedGuias(caller, item);
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
      if (lines.length === 1) await seedServices(app.get(ServicesService), caller, item);
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
