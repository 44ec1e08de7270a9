import { expose, transfer } from 'comlink';
import { createScorer } from '../src/compute/scorer';

const scorer = createScorer();
// scores go back transferred, not copied
expose({ ...scorer, scoreLayer: (...a: Parameters<typeof scorer.scoreLayer>) => {
  const out = scorer.scoreLayer(...a);
  return transfer(out, [out.buffer]);
} });
