/**
 * The help texts, kept free of imports so `framed --help` loads nothing else.
 */

export const MAIN_USAGE = `framed: message streams from a terminal, for WebSocket, length-prefixed, newline and NDJSON peers

usage: framed <command> [options]

commands:
  connect <url-or-address>   connect, send stdin as messages, print what arrives
  listen <port-or-address>   accept connections, print what arrives, send stdin to all (or --echo)
  bridge <from> <to>         listen on <from>, connect each client to <to>, carry messages both ways

Run \`framed <command> --help\` for a command's options and examples.

exit codes:
  0  clean close                       4  handshake refused (WebSocket upgrade, wrong framing, TLS certificate)
  1  connection lost or other failure  5  bad input (from the peer or stdin)
  2  usage error                       6  timeout
  3  connection refused / unreachable  7  peer closed the WebSocket with an error code

global options: --verbose (stack traces), --help, --version`;

const FRAMING_OPTIONS = `framing:
  --framing websocket|length-prefix|newline|ndjson
                           default: websocket for ws:// and wss:// URLs, else newline; the address may
                           also say it: newline://host:port, ndjson://…, length-prefix://… (lp://…)
  --max-message-size BYTES largest message received or sent (default 16 MiB)

websocket:
  --protocol NAME          offer a subprotocol (repeatable)
  -H, --http-header 'Name: value'
                           extra request header, e.g. Origin or Authorization (repeatable; --header
                           with a colon in its value means the same)
  --deflate / --no-deflate permessage-deflate (default: offered by connect, refused by listen)
  --ping-interval MS       ping every MS milliseconds; fail with exit 6 when no reply within MS
  --insecure               accept any TLS certificate (wss:// to test servers)
  --binary-out             send stdin messages as binary frames, not text

length-prefix:
  --header varint|uint8|uint16be|uint16le|uint24be|uint24le|uint32be|uint32le|uint64be|uint64le
                           the length field (default uint32be)
  --length-field-offset N  opaque bytes before the length field
  --length-adjustment N    added to the length to get the bytes after it (signed)
  --length-includes-header the length counts the header itself
  --initial-bytes-to-strip N  bytes removed from the start of each received frame

newline:
  --delimiter STRING       the record delimiter (default \\n; escapes \\n \\r \\t \\0 \\xHH are understood)

output:
  --binary auto|hex|base64 how binary messages are printed: auto (default) prints bytes that are printable
                           UTF-8 as text and others as hex; --json always says which
  --json                   one JSON object per event: open, message, ping, close (with code and reason)
  --quiet                  print no open/close notes on stderr`;

export const CONNECT_USAGE = `usage: framed connect <url-or-address> [options]

Sends each stdin line (or length-prefixed record, with --stdin-framing) as one message and prints each
received message on its own line. When stdin ends, keeps printing until the peer closes, or until
--linger milliseconds pass without a message, then closes cleanly.

examples:
  framed connect ws://127.0.0.1:8080/chat --protocol chat.v2
  echo '{"id":1}' | framed connect wss://localhost:8443 --insecure --json
  seq 100000 | framed connect 127.0.0.1:9000 --framing newline
  framed connect lp://127.0.0.1:9000 --header varint --binary base64 < request.bin

connect options:
  --stdin-framing lines|length-prefix   how stdin is cut into messages (default lines; length-prefix
                           uses --header and the --length-* flags)
  --linger MS              after stdin ends, wait this long for more messages (default 1000; 0 closes at once)
  --timeout MS             give up opening the connection after MS (default 10000)
  --no-stdin               do not read stdin; print until the peer closes

${FRAMING_OPTIONS}`;

export const LISTEN_USAGE = `usage: framed listen <port-or-address> [options]

Accepts connections and prints each message with the connection it came from ("#1 hello"). Each stdin line
is sent to every open connection; with --echo each message is sent back to its sender instead.

examples:
  framed listen 8080 --framing websocket --echo
  framed listen 127.0.0.1:9000 --framing ndjson --json
  framed listen ws://0.0.0.0:8080/ --deflate

listen options:
  --echo                   send each message back to its connection (stdin is not read)
  --once                   exit after the first connection closes (its exit code is the command's)

${FRAMING_OPTIONS}`;

export const BRIDGE_USAGE = `usage: framed bridge <from> <to> [options]

Listens on <from>; for each connection, opens one to <to> and carries messages both ways, one message
for one message (boundaries kept), each side waiting for the other when it is slow (backpressure). When
either side closes, so does the other. Text becomes bytes (UTF-8) for length-prefix and back.

examples:
  framed bridge ws://127.0.0.1:8080 newline://127.0.0.1:9000      # a WebSocket front for a line service
  framed bridge lp://:7000 ws://127.0.0.1:8080/feed --header varint

Each side's framing comes from its address (ws://, wss://, newline://, ndjson://, length-prefix:// or
lp://; a bare host:port is newline); --framing is not taken. The framing flags below apply to the side
whose framing they belong to.

bridge options:
  --once                   exit after the first bridged connection closes

${FRAMING_OPTIONS}`;
