/**
 * The keys of what a `Connection` offers only its own clock and inbound queue (imported as `key`: `[key.timedOut]`). Symbols rather than names, so
 * these members stay out of the connection's public type (an adapter or application holding the connection
 * cannot reach them by name), and unregistered, so nobody outside core can ask for them: a method costs
 * nothing per connection, where a callback object per connection would cost one more object.
 */

/** Clock → connection: reading is paused for a slow reader (silence then is not the peer's doing). */
export const readingPaused: unique symbol = Symbol("framed.readingPaused");
/** Clock → connection: the peer is done sending, no message is arriving. */
export const inputEnded: unique symbol = Symbol("framed.inputEnded");
/** Clock → connection: part of a message has arrived and the rest has not. */
export const midMessage: unique symbol = Symbol("framed.midMessage");
/** Clock → connection: a deadline passed; fail with the error and drop the connection. */
export const timedOut: unique symbol = Symbol("framed.timedOut");
/** Clock → connection: the close handshake did not finish in time. */
export const closeTimedOut: unique symbol = Symbol("framed.closeTimedOut");
/** Clock → connection: send a keep-alive ping. */
export const keepAlivePing: unique symbol = Symbol("framed.keepAlivePing");
/** Queue → connection: the queue is full, stop reading. */
export const pauseReading: unique symbol = Symbol("framed.pauseReading");
/** Queue → connection: the queue has room again. */
export const resumeReading: unique symbol = Symbol("framed.resumeReading");
/** Queue → connection: the reader has seen the end of the messages. */
export const readEndObserved: unique symbol = Symbol("framed.readEndObserved");
