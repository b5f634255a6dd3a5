export async function checkReadmes() {}
