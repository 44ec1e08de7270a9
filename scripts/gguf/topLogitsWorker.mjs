// topLogitsWorker.mjs: a worker thread that runs topLogits for one layer per message. E arrives
// once as a SharedArrayBuffer (workerData), so two workers share one copy of the embeddings.
import { parentPort, workerData } from 'node:worker_threads';
import { topLogits } from './topLogits.mjs';

const { E, V, H, K } = workerData;
const emb = new Float32Array(E);
parentPort.on('message', ({ layer, rows, F }) => {
  const { ids, vals } = topLogits(emb, V, H, rows, F, K);
  parentPort.postMessage({ layer, ids, vals }, [ids.buffer, vals.buffer]);
});
