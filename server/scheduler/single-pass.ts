/**
 * Runs a pass one at a time: asked again while a pass runs, it runs one more
 * pass after it, however often it was asked meanwhile. The allocator's rounds
 * and the provisioner's pool passes both work this way.
 */
export class SinglePass {
  private running = false;
  private again = false;

  constructor(
    private readonly options: {
      pass: () => Promise<void>;
      /** Starts the loop (e.g. outside any caller's trace context). */
      start: (loop: () => Promise<void>) => void;
      /** A pass threw: the loop stops here. */
      failed: (err: unknown) => void;
      /** No more passes once this says so. */
      stopped?: () => boolean;
    },
  ) {}

  /** Whether a pass runs now. */
  get busy(): boolean {
    return this.running;
  }

  request(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    this.options.start(() => this.loop());
  }

  private async loop(): Promise<void> {
    try {
      do {
        this.again = false;
        await this.options.pass();
      } while (this.again && !this.options.stopped?.());
    } catch (err) {
      this.options.failed(err);
    } finally {
      this.running = false;
    }
  }
}
