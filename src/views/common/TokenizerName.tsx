import type { OpenedVindex } from '../../engine/types';
import { useTokenizer, useTokenizerInfo } from '../../queries/tokenizer';
import { errorText, isAbort } from '../../state/activity';

/** The tokenizer a vindex uses, named exactly (repo and commit for a base model's), for the overview. */
export function TokenizerName({ vindex }: { vindex: OpenedVindex }) {
  const info = useTokenizerInfo(vindex);
  if (!info) return <>{vindex.tokenizer.label}</>;
  const sha = info.sha ? ` (commit ${info.sha})` : '';
  const vocab = info.loaded && info.vocabSize !== null ? `; ${info.modelType}, ${info.vocabSize.toLocaleString('en')} tokens` : '';
  return (
    <>
      {info.label.replace(/^the t/, 'T')}
      {sha}
      {vocab}
      {info.kind === 'base-model' && !info.loaded && '; loaded when text is first tokenized'}
    </>
  );
}

/** One sentence under the query box: how text becomes tokens here, or why it cannot. */
export function TokenizerNote({ vindex }: { vindex: OpenedVindex }) {
  const t = useTokenizer(vindex);
  if (t.error) {
    return <span>{isAbort(t.error) ? 'Loading the tokenizer was cancelled: press Score to load it again.' : `The tokenizer could not be loaded: ${errorText(t.error)}`}</span>;
  }
  if (!t.data) return <span>Loading the tokenizer…</span>;
  if (t.data.kind === 'none') return <span>{t.data.label.charAt(0).toUpperCase() + t.data.label.slice(1)}.</span>;
  return (
    <span>
      Text is tokenized exactly as typed, spaces included (“ Paris” and “Paris” are different tokens), without special tokens, by{' '}
      {t.data.label}.
    </span>
  );
}
