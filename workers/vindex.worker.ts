import { expose } from 'comlink';
import { createEngine } from '../src/engine/engine';

expose(createEngine());
