export type ToastKind = 'success' | 'error' | 'info';
export interface Toast {
  id: number;
  kind: ToastKind;
  text: string;
}

let nextId = 1;

class ToastStore {
  items = $state<Toast[]>([]);

  show(text: string, kind: ToastKind = 'info', ms = 4000): void {
    const id = nextId++;
    this.items.push({ id, kind, text });
    setTimeout(() => this.dismiss(id), ms);
  }
  success(text: string): void {
    this.show(text, 'success');
  }
  error(text: string): void {
    this.show(text, 'error', 6000);
  }
  dismiss(id: number): void {
    this.items = this.items.filter((t) => t.id !== id);
  }
}

export const toasts = new ToastStore();
