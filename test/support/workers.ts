/** How many e2e files run at once: one per core here, each with its own moto_server (global-moto.ts). */
export const e2eWorkers = 2;
