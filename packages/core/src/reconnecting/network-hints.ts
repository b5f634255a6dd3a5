/**
 * Hints from the environment that the network or the user is back: the browser's `online`/`offline`
 * events and page visibility. Read by feature detection, so the same code runs where there are none.
 */

/** What a hint says. */
export type NetworkHint = "online" | "offline" | "visible";

/** A source of {@link NetworkHint}s; inject one to test, or to feed hints from your own platform. */
export interface NetworkHints {
  /** False when the environment knows it has no network (the browser's `navigator.onLine`). */
  isOnline(): boolean;
  /** Call `listener` with each hint; returns an unsubscribe function. */
  subscribe(listener: (hint: NetworkHint) => void): () => void;
}

/** The parts of a browser window that hints come from. */
export interface HintScope {
  addEventListener?: (type: string, listener: () => void) => void;
  removeEventListener?: (type: string, listener: () => void) => void;
  navigator?: { onLine?: boolean };
  document?: {
    visibilityState?: string;
    addEventListener?: (type: string, listener: () => void) => void;
    removeEventListener?: (type: string, listener: () => void) => void;
  };
}

/**
 * Hints from `scope` (default `globalThis`): `online`/`offline` from its events, `visible` when its
 * `document` becomes visible. Where there are no such events (Node, Deno) it never hints and always says
 * online.
 *
 * @example
 * ```ts
 * const stream = reconnecting(open, { hints: environmentHints(window) });
 * ```
 */
export function environmentHints(scope: HintScope = globalThis as HintScope): NetworkHints {
  return {
    isOnline: () => scope.navigator?.onLine !== false,
    subscribe(listener) {
      const online = () => listener("online");
      const offline = () => listener("offline");
      const visibility = () => {
        if (scope.document?.visibilityState === "visible") listener("visible");
      };
      const events = typeof scope.addEventListener === "function";
      const documentEvents = typeof scope.document?.addEventListener === "function";
      if (events) {
        scope.addEventListener?.("online", online);
        scope.addEventListener?.("offline", offline);
      }
      if (documentEvents) scope.document?.addEventListener?.("visibilitychange", visibility);
      return () => {
        if (events) {
          scope.removeEventListener?.("online", online);
          scope.removeEventListener?.("offline", offline);
        }
        if (documentEvents) scope.document?.removeEventListener?.("visibilitychange", visibility);
      };
    },
  };
}
