export async function checkBrowser() {}
