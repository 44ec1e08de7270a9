import { useApp } from '../../state/store';

/**
 * What the embedded demo shows, found on its real data (SmolLM2-135M-Instruct, Q4_1): each example
 * opens the token view on a query whose top feature's output tokens make sense. The end-to-end test
 * tests/e2e/demo.test.mjs checks these claims against the demo files.
 */
const EXAMPLES = [
  {
    q: '7',
    label: 'Open the embedded demo vindex',
    text: (
      <>
        on the digit “7”: its top feature is <strong>L29 F1454</strong>, and what that feature writes (its ten output tokens) is the ten
        digits, 2, 3, 5, 4, 6, 1, 0, 7, 8, 9. Nine of the ten digits find this feature first (“6” finds it second).
      </>
    ),
  },
  {
    q: '#2767',
    label: 'Open the demo on “␣dog” (token #2767)',
    text: (
      <>
        the token “␣dog” (with its leading space) finds <strong>L29 F808</strong> first, which writes “␣Dogs”, “dog”,
        “Dogs”, “␣dogs”, “Cats”, “cats”.
      </>
    ),
  },
];

/** Opens the embedded demo on the token view for `q`. */
function openDemo(q: string | null) {
  const app = useApp.getState();
  app.setLocation(null, 'demo');
  if (q !== null) {
    app.setView('token');
    app.setQuery(q);
  }
}

/** First screen: what the tool is, what the embedded demo shows, and the ways to open a vindex. */
export function Welcome() {
  return (
    <main className="welcome">
      <h2>Explore what a language model's FFN features hear and say</h2>
      <p>
        A <em>vindex</em> is a folder holding one transformer's feed-forward feature geometry (LarQL format): gate
        vectors, down vectors, token embeddings and per-feature vocabulary projections. Everything here is read in your
        browser, by HTTP Range requests or from local files; nothing is uploaded.
      </p>
      <section aria-label="The embedded demo" className="demo-intro">
        <h3>The embedded demo: a real model</h3>
        <p>
          The demo is <strong>SmolLM2-135M-Instruct</strong> (HuggingFaceTB, Apache-2.0): 30 layers × 1,536 features,
          extracted from its 4-bit (Q4_1) GGUF. These are a small, quantized model's features, so many are noisy: two
          of them (L29 F645 and L29 F471) rank high for almost any noun and write unrelated tokens. Some are clear:
        </p>
        <ul>
          {EXAMPLES.map((e) => (
            <li key={e.q}>
              <button type="button" onClick={() => openDemo(e.q)}>
                {e.label}
              </button>
              : {e.text}
            </li>
          ))}
        </ul>
        <p>
          <button type="button" onClick={() => openDemo(null)}>
            Demo overview
          </button>{' '}
          says how it was made (files, provenance, model card).
        </p>
      </section>
      <h3>Your own vindex</h3>
      <ul>
        <li>Drop a downloaded vindex folder anywhere on this page, or use “Pick folder”.</li>
        <li>
          Paste a Hugging Face repo (<code>hf:owner/name</code>, <code>hf:datasets/owner/name</code>, or a
          huggingface.co URL) or any static folder URL into the box above.
        </li>
      </ul>
    </main>
  );
}
