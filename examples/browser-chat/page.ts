// The page's script: join /chat on this page's host, show every message, send what is typed.
import { joinChat } from "./chat-client.ts";

const log = document.querySelector("#log") as HTMLUListElement;
const status = document.querySelector("#status") as HTMLElement;
const form = document.querySelector("#form") as HTMLFormElement;
const nameInput = document.querySelector("#name") as HTMLInputElement;
const textInput = document.querySelector("#text") as HTMLInputElement;

nameInput.value = `guest-${Math.floor(Math.random() * 1000)}`;

function show(line: string): void {
  const item = document.createElement("li");
  item.textContent = line;
  log.append(item);
}

const chat = await joinChat(`ws://${location.host}/chat`, nameInput.value, (message) =>
  show(`${message.from}: ${message.text}`),
);
status.textContent = `connected as ${nameInput.value}`;
nameInput.disabled = true;
chat.closed.then(({ code, reason }) => {
  status.textContent = `disconnected (${code ?? "no code"}${reason ? `: ${reason}` : ""})`;
});

form.addEventListener("submit", (event) => {
  event.preventDefault();
  if (!textInput.value) return;
  chat.say(textInput.value).catch((error) => show(`(not sent: ${error.message})`));
  textInput.value = "";
});
