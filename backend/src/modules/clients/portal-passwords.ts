import { Inject, Injectable } from '@nestjs/common';
import { hashPassword, SecretBox } from '../../common/secrets.js';
import { type AppConfig, APP_CONFIG } from '../../config/config.js';

/**
 * The two stored forms of a portal password: an argon2id hash to check logins,
 * and an AES-256-GCM copy under SECRET_KEY so staff can read it back (audited).
 */
@Injectable()
export class PortalPasswords {
  private readonly box: SecretBox;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    this.box = new SecretBox(config.SECRET_KEY);
  }

  async protect(password: string): Promise<{ passwordHash: string; passwordEnc: string }> {
    return {
      passwordHash: await hashPassword(password, this.config.ARGON2_MEMORY_KIB),
      passwordEnc: this.box.seal(password),
    };
  }

  /** A password the client chose: only the hash is kept, so no one else can read it. */
  async protectClientChosen(
    password: string,
  ): Promise<{ passwordHash: string; passwordEnc: null; passwordSetBy: 'client' }> {
    return {
      passwordHash: await hashPassword(password, this.config.ARGON2_MEMORY_KIB),
      passwordEnc: null,
      passwordSetBy: 'client',
    };
  }

  reveal(passwordEnc: string): string {
    return this.box.open(passwordEnc);
  }
}
