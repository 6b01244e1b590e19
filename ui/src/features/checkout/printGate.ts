/**
 * One receipt's printing on the done screen: one print at a time, and the automatic print after
 * payment only when no print was asked for before. So F9 pressed while the automatic print runs
 * does nothing, and an F9 pressed before the automatic print could start replaces it: the
 * receipt is never printed twice by accident. After a print has finished, F9 prints again
 * (重打 / 重印).
 */
export class PrintGate {
  private running = false;
  private asked = false;

  /** A print asked for by F9 or the button: `false` while another print runs. */
  begin(): boolean {
    if (this.running) return false;
    this.running = true;
    this.asked = true;
    return true;
  }

  /** The automatic print: `false` once any print was asked for. */
  beginAuto(): boolean {
    return this.asked ? false : this.begin();
  }

  /** The print that began has finished (printed, saved or failed). */
  end(): void {
    this.running = false;
  }
}
