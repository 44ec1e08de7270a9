import { expose } from 'comlink';
import { createBlockWriter } from '../src/engine/blockWriter';

expose(createBlockWriter());
