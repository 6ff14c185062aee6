// Preloaded into both servers under test (node --expose-gc --import <this>): on an IPC
// request it runs a full garbage collection and answers with process.memoryUsage(), so
// idle-connection memory is read the same way in both, without GC timing noise. Does
// nothing when the process has no IPC channel or no exposed gc.
if (process.send && typeof globalThis.gc === 'function') {
  process.on('message', (msg) => {
    if (msg?.type !== 'bench:gc') return;
    globalThis.gc();
    globalThis.gc();
    setImmediate(() => process.send({ type: 'bench:gc', id: msg.id, memory: process.memoryUsage() }));
  });
  // The channel must not keep the server alive once it is asked to stop.
  process.channel?.unref();
}
