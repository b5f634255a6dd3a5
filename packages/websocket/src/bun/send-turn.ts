/**
 * What the connections of one `websocketHandlers` share for sending: which socket Bun is reading now (its
 * replies can go straight into uWebSockets' cork), and one end-of-turn flush for everyone else's sends.
 *
 * uWebSockets corks a socket while it handles a read, and Bun runs the microtasks after each `message` call
 * inside that cork: a `consume` handler's reply, a microtask later, still lands in it and leaves with the
 * read's other replies in one write. A send at any other time (a timer, another socket's message) is held
 * until the end of the event-loop turn and sent corked then. One `setImmediate` per turn for the whole
 * server, not one per connection: at 100 busy connections a timer each per turn cost more than the echo.
 */

/** A connection the turn can flush. */
export interface TurnFlushable {
  flush(): void;
}

export class BunSendTurn<T extends TurnFlushable = TurnFlushable> {
  /** The connection whose `message` Bun called last this turn: its socket is corked until the read is handled. */
  reading: T | undefined;
  private pending: T[] = [];
  private scheduled = false;

  /** Bun is handing `connection` a message. */
  enter(connection: T): void {
    this.reading = connection;
    this.schedule();
  }

  /** `connection` has sends waiting: flush them at the end of this turn. */
  flushLater(connection: T): void {
    this.pending.push(connection);
    this.schedule();
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(this.run);
  }

  private readonly run = (): void => {
    this.scheduled = false;
    // Past the reads of this turn: no socket is corked any more.
    this.reading = undefined;
    const pending = this.pending;
    this.pending = [];
    for (const connection of pending) connection.flush();
  };
}
