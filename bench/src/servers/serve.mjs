// What every Node echo server shares: `listening <port>` once ready, exit on SIGTERM or when the runner's
// stdin pipe closes, a memory report on SIGUSR2, and a clear "not built yet" for our unbuilt packages.

/** Print the line the runner waits for, and wire the ways the server is told to stop. */
export function announce(port) {
  console.log(`listening ${port}`);
  // Exit at once (open sockets do not matter); process.exit still writes a --cpu-prof profile.
  process.on("SIGTERM", () => process.exit(0));
  process.stdin.on("end", () => process.exit(0));
  process.stdin.on("error", () => process.exit(0));
  process.stdin.resume();
  // The memory bench asks for a collected heap and the process's own view of its memory. It first runs
  // enough short-lived garbage through the young generation to touch all of it, so that its pages are
  // resident at every reading: otherwise how much of it a server happened to touch before the first
  // reading (the memory bench pins its size) would show up as memory per connection.
  process.on("SIGUSR2", () => {
    if (globalThis.gc) {
      touchYoungGeneration();
      globalThis.gc();
    }
    console.log(JSON.stringify({ memory: process.memoryUsage() }));
  });
}

export const portArg = () => Number(process.argv[2] ?? 0);

/** Four times the young generation (two 16 MiB semi-spaces) in objects that die at once. */
const YOUNG_GENERATION_CHURN_BYTES = 128 * 1024 * 1024;
/** Where each array is kept until the next replaces it, so that the compiler cannot skip making it. */
const churned = { last: undefined };

function touchYoungGeneration() {
  // Arrays of 14 elements: 128 bytes each with their header.
  for (let i = 0; i < YOUNG_GENERATION_CHURN_BYTES / 128; i++) churned.last = new Array(14);
  churned.last = undefined;
}

/** The largest message any bench case sends (1 MiB) with room to spare, for every server's size limit. */
export const MAX_MESSAGE_SIZE = 64 * 1024 * 1024;

/**
 * Import one of our packages' built entry; if it is missing, say "not built yet" (the runner reports the
 * case that way) and exit instead of crashing the run.
 */
export async function importBuilt(specifier) {
  try {
    return await import(specifier);
  } catch (error) {
    if (error?.code === "ERR_MODULE_NOT_FOUND" || error?.code === "ERR_PACKAGE_PATH_NOT_EXPORTED") {
      console.log(`not built yet: ${specifier} (${String(error.message).split("\n")[0]})`);
      process.exit(3);
    }
    throw error;
  }
}

/**
 * Our echo handler. By default `stream.consume((message) => stream.send(message))`: no promise per message
 * while sends go out at once, and one small object per idle connection. With `style` "for-await", the loop a
 * user may write instead (`for await` + `await send`), measured next to it to show what the loop costs.
 */
export function echoHandler(style) {
  if (style === "for-await") {
    return async (stream) => {
      try {
        for await (const message of stream) await stream.send(message);
      } catch {}
    };
  }
  return (stream) => stream.consume((message) => stream.send(message));
}
