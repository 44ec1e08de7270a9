import { expose } from 'comlink';
import { createTokenizerService } from '../src/engine/tokenizerService';

expose(createTokenizerService());
