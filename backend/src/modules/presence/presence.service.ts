import { Injectable } from '@nestjs/common';
import { PresenceRepository, type SocketPresence } from './presence.repository.js';

export type { SocketPresence };

type Kind = 'staff' | 'client';

/** Who is online: what other modules may ask of presence (the Redis sets stay here). */
@Injectable()
export class PresenceService {
  constructor(private readonly presence: PresenceRepository) {}

  get heartbeatMs(): number {
    return this.presence.heartbeatMs;
  }

  /** A socket joins or leaves, in one round trip (see PresenceRepository.touch). */
  touch(...args: Parameters<PresenceRepository['touch']>): Promise<SocketPresence> {
    return this.presence.touch(...args);
  }

  refreshMany(...args: Parameters<PresenceRepository['refreshMany']>): Promise<void> {
    return this.presence.refreshMany(...args);
  }

  remove(kind: Kind, firmId: string, subjectId: string, socketId: string): Promise<void> {
    return this.presence.remove(kind, firmId, subjectId, socketId);
  }

  /** Ids with at least one unexpired socket. */
  online(kind: Kind, firmId: string): Promise<Set<string>> {
    return this.presence.online(kind, firmId);
  }

  refreshFirm(firmId: string): Promise<boolean | null> {
    return this.presence.refreshFirm(firmId);
  }

  onlineFirms(): Promise<string[]> {
    return this.presence.onlineFirms();
  }
}
