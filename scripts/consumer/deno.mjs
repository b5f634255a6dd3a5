export async function checkDeno() {}
