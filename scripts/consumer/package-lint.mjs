export async function checkPackageLint() {}
