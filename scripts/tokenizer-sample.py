#!/usr/bin/env python3
"""tokenizer-sample.py: expected token ids for the demo's tokenizer, from an independent tokenizer.

Builds a few thousand texts (words with and without a leading space, capitalised and inflected
words, numbers, sentences with punctuation, whitespace runs, non-ASCII text and code) and encodes
each with llama.cpp's own tokenizer of the GGUF (llama-cpp-python, vocab_only: the C++ BPE with
the GGUF's "smollm" pre-tokenizer), never with our tokenizer.json. Writes the texts and ids to
tests/fixtures/smollm2-tokenizer-sample.json; tests/unit/scripts/tokenizerSample.test.ts checks
public/demo/tokenizer.json (loaded by @huggingface/tokenizers, as the app loads it) against them.

Usage (a one-off, not part of the test suite; llama-cpp-python builds from source with pip):
    pip install llama-cpp-python==0.3.36
    python3 scripts/tokenizer-sample.py path/to/SmolLM2-135M-Instruct.Q4_1.gguf
"""
import hashlib
import json
import random
import re
import sys
from pathlib import Path

import llama_cpp
from llama_cpp import Llama

FIXED = [
    "The capital of France is Paris.", "Berlin is the capital of Germany", "Tokyo, Japan",
    "In 1969, Apollo 11 landed on the Moon.", "She paid $3.50 for 2 coffees at 8:30am.",
    "E = mc^2", "x += 1; // increment", "def f(x):\n    return x * 2\n", "for (let i = 0; i < n; i++) {}",
    "Hello,   world!", "tabs\tand\ttabs", "line one\nline two\n\nline four", "  leading and trailing  ",
    "naïve café résumé", "Ünïcödé", "Москва — столица России.", "東京は日本の首都です。", "北京", "🙂 emoji 🚀!",
    "مرحبا بالعالم", "don't won't can't I'm you're we've they'll he'd", "It's 100% true...", "a-b_c.d/e\\f",
    "https://huggingface.co/HuggingFaceTB/SmolLM2-135M-Instruct", "user@example.com", "#hashtag @mention",
    "3.14159265358979", "1,000,000", "2024-12-04T15:49:00Z", "0x1F600", "1st 2nd 3rd 4th", "¿Qué?", "½ ¼ ¾",
    "Paris", " Paris", "paris", " PARIS", "France", " France", "Madrid", " London", "Rome", " Einstein",
    " dog", "dog", " dogs", " cat", "7", " 7", "42", " Monday",
]


def words_from_vocab(llm, rng):
    """Whole words from the model's vocabulary (tokens that are a space plus 2+ letters)."""
    n = llm.n_vocab()
    words = []
    for i in range(n):
        piece = llm.detokenize([i]).decode("utf-8", errors="replace")
        if re.fullmatch(r" [A-Za-z]{2,}", piece):
            words.append(piece[1:])
    rng.shuffle(words)
    return words


def build_texts(llm):
    rng = random.Random(20241204)
    words = words_from_vocab(llm, rng)
    texts = list(FIXED)
    for w in words[:1200]:
        texts += [w, " " + w]
    for w in words[1200:1500]:
        texts += [w.capitalize(), " " + w.upper(), w + "ing", " " + w + "ed", w + "s", w + w[::-1]]
    for _ in range(200):
        k = rng.choice([1, 2, 3, 4, 6, 10])
        texts.append("".join(rng.choice("0123456789") for _ in range(k)))
        texts.append(f" {rng.randint(0, 10**6)}.{rng.randint(0, 99)}")
    punct = [".", ",", "!", "?", ";", ":", " -", "...", "'s", "'t", " (", ")", '"', "  ", "\n", "\t", " 42", " 1999"]
    for _ in range(500):
        n = rng.randint(3, 14)
        parts = []
        for _ in range(n):
            w = rng.choice(words)
            if rng.random() < 0.2:
                w = w.capitalize()
            parts.append(w)
            if rng.random() < 0.3:
                parts.append(rng.choice(punct))
        sep = rng.choice([" ", " ", " ", "  "])
        texts.append(sep.join(parts).replace(" \n ", "\n"))
    seen, out = set(), []
    for t in texts:
        if t and t not in seen:
            seen.add(t)
            out.append(t)
    return out


def main():
    gguf = Path(sys.argv[1])
    out = Path(__file__).resolve().parent.parent / "tests/fixtures/smollm2-tokenizer-sample.json"
    llm = Llama(model_path=str(gguf), vocab_only=True, verbose=False)
    samples = []
    for text in build_texts(llm):
        ids = llm.tokenize(text.encode("utf-8"), add_bos=False, special=False)
        samples.append({"text": text, "ids": ids})
    doc = {
        "gguf": gguf.name,
        "gguf_sha256": hashlib.sha256(gguf.read_bytes()).hexdigest(),
        "tokenizer": f"llama.cpp via llama-cpp-python {llama_cpp.__version__} (vocab_only, add_bos=False, special=False)",
        "generator": "scripts/tokenizer-sample.py",
        "samples": samples,
    }
    head = json.dumps({k: v for k, v in doc.items() if k != "samples"}, ensure_ascii=False, indent=2)[:-2]
    lines = ",\n".join(json.dumps(s, ensure_ascii=False) for s in samples)
    out.write_text(f'{head},\n  "samples": [\n{lines}\n  ]\n}}\n', encoding="utf-8")
    print(f"wrote {len(samples)} samples to {out}")


if __name__ == "__main__":
    main()
