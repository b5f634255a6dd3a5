// Shared start-up for every echo server: listen on 127.0.0.1, print `listening <port>`, stop on SIGTERM.
export function announce(port, close) {
  console.log(`listening ${port}`);
  process.on("SIGTERM", async () => {
    await close?.();
    process.exit(0);
  });
}

export const portArg = () => Number(process.argv[2] ?? 0);
