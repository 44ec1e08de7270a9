import { expose } from 'comlink';
import { createHasher } from '../src/engine/hashFiles';

expose(createHasher());
