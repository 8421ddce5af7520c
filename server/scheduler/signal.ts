/**
 * A one-way wake-up between controllers: the sender does not know who
 * listens, so two controllers never hold callbacks into each other.
 */
export class Signal<T = void> {
  private readonly listeners: ((value: T) => void)[] = [];

  on(listener: (value: T) => void): void {
    this.listeners.push(listener);
  }

  emit(value: T): void {
    for (const listener of this.listeners) listener(value);
  }
}
