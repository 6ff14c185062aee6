export type ToastKind = 'success' | 'error' | 'info' | 'message';
export interface Toast {
  id: number;
  kind: ToastKind;
  text: string;
  /** Message toasts: who wrote (shown above the text). */
  title?: string;
  /** Clicking the toast goes there (and dismisses it). */
  href?: string;
  testid?: string;
}

let nextId = 1;

class ToastStore {
  items = $state<Toast[]>([]);

  show(text: string, kind: ToastKind = 'info', ms = 4000): void {
    this.#add({ kind, text }, ms);
  }
  success(text: string): void {
    this.show(text, 'success');
  }
  error(text: string): void {
    this.show(text, 'error', 6000);
  }
  /** A new message: who sent it and its first words; clicking opens `href`. */
  message(opts: { title: string; text: string; href: string; testid?: string }, ms = 8000): void {
    this.#add({ kind: 'message', ...opts }, ms);
  }
  /** Toasts leading to a page that is now open have said what they had to. */
  dismissLinksTo(href: string): void {
    if (this.items.some((t) => t.href === href)) this.items = this.items.filter((t) => t.href !== href);
  }
  dismiss(id: number): void {
    this.items = this.items.filter((t) => t.id !== id);
  }

  #add(toast: Omit<Toast, 'id'>, ms: number): void {
    const id = nextId++;
    this.items.push({ id, ...toast });
    setTimeout(() => this.dismiss(id), ms);
  }
}

export const toasts = new ToastStore();
