import { browser } from '$app/environment';

// Per tab on purpose: the staff member's own tabs keep using their cookie session.
const KEY = 'connecthub.impersonation';

export function getImpersonationToken(): string | null {
  if (!browser) return null;
  try {
    return sessionStorage.getItem(KEY);
  } catch {
    return null;
  }
}

export function setImpersonationToken(token: string): void {
  sessionStorage.setItem(KEY, token);
}

export function clearImpersonationToken(): void {
  if (browser) sessionStorage.removeItem(KEY);
}

/**
 * Takes `#imp=<token>` from the address (put there by the staff "acessar como cliente"
 * button) into this tab's storage. Returns true when a token was found.
 */
export function captureImpersonationFromHash(): boolean {
  if (!browser) return false;
  const match = /(?:^#|&)imp=([^&]+)/.exec(location.hash);
  if (!match) return false;
  setImpersonationToken(decodeURIComponent(match[1]));
  return true;
}
