import { useApp } from '../../state/store';

/** First screen: what the tool is and the ways to open a vindex. */
export function Welcome() {
  return (
    <main className="welcome">
      <h2>Explore what a language model's FFN features hear and say</h2>
      <p>
        A <em>vindex</em> is a folder holding one transformer's feed-forward feature geometry (LarQL format): gate
        vectors, down vectors, token embeddings and per-feature vocabulary projections. Everything here is read in your
        browser, by HTTP Range requests or from local files; nothing is uploaded.
      </p>
      <ul>
        <li>
          <button type="button" onClick={() => useApp.getState().setLocation(null, 'demo')}>
            Open the embedded demo vindex
          </button>{' '}
          (synthetic, with planted features: try the word “Paris”).
        </li>
        <li>Drop a downloaded vindex folder anywhere on this page, or use “Pick folder”.</li>
        <li>
          Paste a Hugging Face repo (<code>hf:owner/name</code>, <code>hf:datasets/owner/name</code>, or a
          huggingface.co URL) or any static folder URL into the box above.
        </li>
      </ul>
    </main>
  );
}
