// Text metrics against values published by the reference implementations (each block names its
// source file and repository), plus the properties every metric must keep (identical, disjoint,
// empty, symmetric).
import * as assert from 'node:assert/strict';
import {
  bleuFromStatistics,
  bleuStatistics,
  columnMetrics,
  corpusBleu,
  distinctN,
  meanPairwiseRougeL,
  rougeL,
  rougeN,
  sentenceBleu,
  tokenizeForMetrics,
  type RougeScore,
} from '../../src/core/metrics';
import { lcsLength } from '../../src/core/metrics/rouge';

function near(actual: number, expected: number, tolerance: number, what = '') {
  assert.ok(Number.isFinite(actual), `${what} is ${actual}`);
  assert.ok(Math.abs(actual - expected) <= tolerance, `${what}: ${actual} is not ${expected} ± ${tolerance}`);
}

function nearRouge(actual: RougeScore, expected: { p: number; r: number; f: number }, tolerance = 1e-9) {
  near(actual.precision, expected.p, tolerance, 'precision');
  near(actual.recall, expected.r, tolerance, 'recall');
  near(actual.f1, expected.f, tolerance, 'f1');
}

describe('metrics', () => {
  describe('tokenizeForMetrics', () => {
    it('lower-cases and splits on anything but letters and digits, like rouge-score', () => {
      // rouge-score's tokenize: "It's" → "it s", punctuation is dropped, digits are kept.
      assert.deepEqual(tokenizeForMetrics("Hello, World! It's 2024... ok-ish"), ['hello', 'world', 'it', 's', '2024', 'ok', 'ish']);
      assert.deepEqual(tokenizeForMetrics(''), []);
      assert.deepEqual(tokenizeForMetrics(' \n.,;!? '), []);
    });

    it('keeps non-ASCII words whole, composed or not', () => {
      assert.deepEqual(tokenizeForMetrics('Café NAÏVE Straße'), ['café', 'naïve', 'straße']);
      assert.deepEqual(tokenizeForMetrics('Cafe\u0301'), tokenizeForMetrics('Caf\u00e9'));
      assert.deepEqual(tokenizeForMetrics('नमस्ते दुनिया'), ['नमस्ते', 'दुनिया']);
    });
  });

  describe('ROUGE: google-research/google-research rouge/rouge_scorer_test.py', () => {
    // rouge-score's scorer.score(target, prediction) puts the reference first; rougeN/rougeL take
    // the candidate first.
    it('testRouge1, testRouge2', () => {
      nearRouge(rougeN('testing', 'testing one two', 1), { p: 1, r: 1 / 3, f: 1 / 2 });
      nearRouge(rougeN('testing one', 'testing one two', 2), { p: 1, r: 1 / 2, f: 2 / 3 });
    });

    it('testRougeLConsecutive, testRougeLNonConsecutive, testMultipleRougeTypes', () => {
      nearRouge(rougeL('testing one', 'testing one two'), { p: 1, r: 2 / 3, f: 4 / 5 });
      nearRouge(rougeL('testing two', 'testing one two'), { p: 1, r: 2 / 3, f: 4 / 5 });
      nearRouge(rougeN('testing one', 'testing one two', 1), { p: 1, r: 2 / 3, f: 4 / 5 });
    });

    it('testRougeEmpty: an empty prediction scores 0', () => {
      for (const score of [rougeN('', 'testing one two', 1), rougeN('', 'testing one two', 2), rougeL('', 'testing one two')]) {
        nearRouge(score, { p: 0, r: 0, f: 0 });
      }
    });

    it('testLcsTable', () => {
      assert.equal(lcsLength(['1', '2', '3', '4', '5'], ['2', '5', '3', '4']), 3);
      assert.equal(lcsLength(['1', '2', '3', '4', '5'], ['8', '9']), 0);
    });

    it('computes the same LCS length bit-parallel as the usual table, across 32-word boundaries', () => {
      // The table rouge-score fills (_lcs_table), as the reference.
      const table = (a: string[], b: string[]) => {
        const rows = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
        for (let i = 1; i <= a.length; i++) {
          for (let j = 1; j <= b.length; j++) rows[i]![j] = a[i - 1] === b[j - 1] ? rows[i - 1]![j - 1]! + 1 : Math.max(rows[i - 1]![j]!, rows[i]![j - 1]!);
        }
        return rows[a.length]![b.length]!;
      };
      let seed = 7;
      const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0);
      const words = (length: number, vocabulary: number) => Array.from({ length }, () => `w${next() % vocabulary}`);
      for (const length of [1, 2, 31, 32, 33, 63, 64, 65, 100, 257]) {
        for (const vocabulary of [2, 5, 40]) {
          const a = words(length, vocabulary);
          const b = words(length + (next() % 20) - 10 > 0 ? length + (next() % 20) - 10 : 1, vocabulary);
          assert.equal(lcsLength(a, b), table(a, b), `${length} words from ${vocabulary}`);
          assert.equal(lcsLength(b, a), table(a, b), 'symmetric');
        }
      }
      assert.equal(lcsLength([], ['a']), 0);
    });

    // rouge/testdata/target.txt and prediction.txt (lines 1 and 2), scored by ROUGE-1.5.5 in
    // testRouge1AgainstRouge155, testRouge2AgainstRouge155 and testRougeLAgainstRouge155 (5 places).
    // The text is ASCII, so this tokenizer and rouge-score's give the same words.
    const targets = [
      "ZfbCUIUuePaiLVUlCaUXxkpu XPeWing tUHfPMuZ',-Xd Y BrUgVJing M-HV.-DgdDaY.rFDJCRing Ht-LM EKBDXkME,yz'RBr q'wtion wIojNbN wL,b .a-'XdQggyFl jB-RPP'iyOIcUxer tKM L",
      "KsJdPByEtAor fE-Qg Dpdbring cw-WeFyu vC MoBL Xdn g wkvcEiGvKtion BDFhrpMtion psing sbKao Q m qiing LMmer HqqLFXe,XPY,J XsurkMer ,ed nB'wH'bWVHjWFEing tQ.saefZwJtKrTlixYpMMsJing UCAPwNHeYVjDing c T BUySKtion gMPfJpwGw p'NvxAoping eu pBwMBKV'I DNxqelhu,PHPxDEq,mtion SN",
    ];
    const predictions = [
      "rFDJCRtion Ht-LM EKtDXkME,yz'RBr q'wer wrojNbN wL,b .a-'XdQggyFl jB-RPP'iyOIcUxi",
      "n cw-WeFyu vC MoBL Xdn g wkvcEiGvKtion BDFhrpMer pstion sbKao Q m qier LMmed HqqLFXe,XPY,J XsurkMeo ,ed nB'wH'bWVHjWFEer tQ.saefZwJtKrTlixYpMMNJtion UCAPwNHeYVjD",
    ];
    const places5 = 5e-6;

    it('ROUGE-1 against ROUGE-1.5.5', () => {
      nearRouge(rougeN(predictions[0]!, targets[0]!, 1), { r: 0.40741, p: 0.6875, f: 0.51163 }, places5);
      nearRouge(rougeN(predictions[1]!, targets[1]!, 1), { r: 0.40476, p: 0.65385, f: 0.5 }, places5);
    });

    it('ROUGE-2 against ROUGE-1.5.5', () => {
      nearRouge(rougeN(predictions[0]!, targets[0]!, 2), { r: 0.30769, p: 0.53333, f: 0.39024 }, places5);
      nearRouge(rougeN(predictions[1]!, targets[1]!, 2), { r: 0.29268, p: 0.48, f: 0.36364 }, places5);
    });

    it('ROUGE-L against ROUGE-1.5.5', () => {
      nearRouge(rougeL(predictions[0]!, targets[0]!), { r: 0.40741, p: 0.6875, f: 0.51163 }, places5);
      nearRouge(rougeL(predictions[1]!, targets[1]!), { r: 0.40476, p: 0.65385, f: 0.5 }, places5);
    });
  });

  describe('BLEU: mjpost/sacrebleu test/test_sentence_bleu.py', () => {
    // Issue #98's pair. The published value used here is the one for tokenize='none' (split on
    // whitespace), 'exp' smoothing, effective order, mixed case: the only punctuation is the ';'
    // glued to "alb" on both sides, and the one capital starts "Producția", which matches nothing in
    // either case (the reference's "producţia" has a cedilla ţ, U+0163; the hypothesis a comma ț,
    // U+021B). So dropping punctuation and lower-casing gives the same n-gram matches.
    const REF = 'produc\u0163ia de zahăr brut se exprimă în zahăr alb;';
    const SYS = 'Produc\u021Bia de zahăr primă va fi exprimată în ceea ce privește zahărul alb;';

    it("sentence BLEU with 'exp' smoothing: 7.347 (± 1e-3, the test's EPSILON)", () => {
      near(sentenceBleu(SYS, REF).score, 7.347, 1e-3, 'BLEU');
    });

    it('issue #141: no matching word scores 0 whatever the smoothing', () => {
      for (const smoothing of ['exp', 'none', 'floor', 'add-k'] as const) {
        assert.equal(sentenceBleu('this is a cat', 'okay thanks', { smoothing }).score, 0);
      }
    });
  });

  describe('BLEU: mjpost/sacrebleu test/test_bleu.py', () => {
    // raw_corpus_bleu = corpus BLEU, tokenize 'none', smoothing 'floor' with value 0.01, effective
    // order; all inputs are lower-case words without punctuation except "I", which is in both texts.
    const raw = { smoothing: 'floor', smoothValue: 0.01, effectiveOrder: true } as const;
    const EPSILON = 1e-8;

    it('test_raw_bleu', () => {
      near(corpusBleu(['this is a test', 'another test'], ['ref1', 'ref2'], raw).score / 100, 0, EPSILON);
      near(corpusBleu(['this is a test'], ['this is a test'], raw).score / 100, 1, EPSILON);
      near(corpusBleu(['this is a fest'], ['this is a test'], raw).score / 100, 0.223606797749979, EPSILON);
    });

    it('test_effective_order', () => {
      near(corpusBleu(['test'], ['a test'], raw).score / 100, 0.3678794411714425, EPSILON);
      near(corpusBleu(['a test'], ['a test'], raw).score / 100, 1, EPSILON);
      near(corpusBleu(['a little test'], ['a test'], raw).score / 100, 0.03218297948685433, EPSILON);
    });

    it('test_statistics', () => {
      const stats = bleuStatistics(tokenizeForMetrics('am I am a character sequence'), tokenizeForMetrics('I am a symbol string sequence a a'));
      assert.deepEqual(stats.correct, [4, 2, 1, 0]);
      assert.deepEqual(stats.total, [6, 5, 4, 3]);
    });

    it('test_offset: floor 0 gives 0, the default floor (0.1) 0.1555722182', () => {
      const hyp = ['am I am a character sequence'];
      const ref = ['I am a symbol string sequence a a'];
      near(corpusBleu(hyp, ref, { smoothing: 'floor', smoothValue: 0, effectiveOrder: true }).score / 100, 0, EPSILON);
      near(corpusBleu(hyp, ref, { smoothing: 'floor', effectiveOrder: true }).score / 100, 0.1555722182, EPSILON);
    });

    it('test_scoring: compute_bleu from statistics, no smoothing', () => {
      const stats = { correct: [9, 7, 5, 3], total: [10, 8, 6, 4], candidateLength: 11, referenceLength: 11 };
      near(bleuFromStatistics(stats, { smoothing: 'none' }).score / 100, 0.8375922397, EPSILON);
    });

    it('test_degenerate_statistics', () => {
      const cases: [number[], number[], number, number, number][] = [
        [[0, 0, 0, 0], [4, 4, 2, 1], 0, 1, 0],
        [[0, 0, 0, 0], [10, 11, 12, 0], 14, 10, 0],
        [[0, 0, 0, 0], [0, 0, 0, 0], 0, 0, 0],
        [[6, 5, 4, 0], [6, 5, 4, 3], 6, 6, 0],
        [[0, 0, 0, 0], [0, 0, 0, 0], 0, 0, 0.1],
        [[0, 0, 0, 0], [0, 0, 0, 0], 1, 5, 0.01],
      ];
      for (const [correct, total, candidateLength, referenceLength, smoothValue] of cases) {
        assert.equal(bleuFromStatistics({ correct, total, candidateLength, referenceLength }, { smoothing: 'floor', smoothValue }).score, 0);
      }
    });
  });

  describe('properties', () => {
    const text = 'The quick brown fox jumps over the lazy dog.';

    it('identical texts: ROUGE 1, BLEU 100', () => {
      for (const n of [1, 2, 3]) nearRouge(rougeN(text, text, n), { p: 1, r: 1, f: 1 });
      nearRouge(rougeL(text, text), { p: 1, r: 1, f: 1 });
      near(sentenceBleu(text, text).score, 100, 1e-9);
      near(sentenceBleu('a test', 'A test!').score, 100, 1e-9, 'short text with effective order');
      near(corpusBleu([text, 'another line of words'], [text, 'another line of words']).score, 100, 1e-9);
    });

    it('disjoint texts: 0', () => {
      const other = 'completely unrelated words appear here instead';
      for (const n of [1, 2]) nearRouge(rougeN(text, other, n), { p: 0, r: 0, f: 0 });
      nearRouge(rougeL(text, other), { p: 0, r: 0, f: 0 });
      assert.equal(sentenceBleu(text, other).score, 0);
      assert.equal(corpusBleu([text], [other]).score, 0);
    });

    it('empty candidate, reference or both: 0, never NaN', () => {
      for (const [candidate, reference] of [['', text], [text, ''], ['', ''], ['...', '!!!']] as const) {
        for (const n of [1, 2]) nearRouge(rougeN(candidate, reference, n), { p: 0, r: 0, f: 0 });
        nearRouge(rougeL(candidate, reference), { p: 0, r: 0, f: 0 });
        const bleu = sentenceBleu(candidate, reference);
        assert.equal(bleu.score, 0);
        assert.ok(Number.isFinite(bleu.brevityPenalty));
      }
      assert.equal(corpusBleu([], []).score, 0);
      assert.equal(corpusBleu([''], ['']).score, 0);
    });

    it('a short candidate pays the brevity penalty', () => {
      const bleu = sentenceBleu('the quick brown fox', text);
      near(bleu.brevityPenalty, Math.exp(1 - 9 / 4), 1e-12);
      near(bleu.score, 100 * Math.exp(1 - 9 / 4), 1e-9);
    });

    it('corpus BLEU pools statistics; one pair with effective order is sentence BLEU', () => {
      const candidates = ['the cat sat on the mat', 'a dog barked loudly at night'];
      const references = ['the cat is on the mat', 'the dog barked at night'];
      near(corpusBleu(candidates.slice(0, 1), references.slice(0, 1), { effectiveOrder: true }).score, sentenceBleu(candidates[0]!, references[0]!).score, 1e-12);
      const mean = (sentenceBleu(candidates[0]!, references[0]!).score + sentenceBleu(candidates[1]!, references[1]!).score) / 2;
      assert.notEqual(corpusBleu(candidates, references).score, mean);
      assert.throws(() => corpusBleu(['a'], []), RangeError);
    });

    it('ROUGE-L F1 is symmetric and so is the pairwise mean', () => {
      const a = 'the cat sat on the mat';
      const b = 'on the mat a cat sat quietly';
      const c = 'dogs bark';
      assert.equal(rougeL(a, b).f1, rougeL(b, a).f1);
      const abc = meanPairwiseRougeL([a, b, c])!;
      near(abc, (rougeL(a, b).f1 + rougeL(a, c).f1 + rougeL(b, c).f1) / 3, 1e-12);
      for (const order of [[b, c, a], [c, a, b], [c, b, a]]) near(meanPairwiseRougeL(order)!, abc, 1e-12);
      assert.equal(meanPairwiseRougeL([]), undefined);
      assert.equal(meanPairwiseRougeL([a]), undefined);
      assert.equal(meanPairwiseRougeL([a, a]), 1);
    });

    it('n must be a positive integer', () => {
      assert.throws(() => rougeN('a', 'a', 0), RangeError);
      assert.throws(() => distinctN(['a'], 1.5), RangeError);
    });
  });

  describe('diversity', () => {
    it('distinct-n: unique over all n-grams of all samples, never across samples', () => {
      const samples = ['The cat sat.', 'the cat ran'];
      near(distinctN(samples, 1), 4 / 6, 1e-12); // the, cat, sat, ran of 6
      near(distinctN(samples, 2), 3 / 4, 1e-12); // "the cat" twice; "sat the" is not a bigram
      assert.equal(distinctN(['same words', 'same words'], 1), 0.5);
    });

    it('distinct-n is 0 without n-grams', () => {
      assert.equal(distinctN([], 1), 0);
      assert.equal(distinctN(['', '?!'], 1), 0);
      assert.equal(distinctN(['one', 'two'], 2), 0);
    });
  });

  describe('columnMetrics', () => {
    it('without a reference: length and diversity only', () => {
      const metrics = columnMetrics(['the cat sat', 'the cat ran fast']);
      assert.deepEqual(Object.keys(metrics).sort(), ['distinct1', 'distinct2', 'meanPairwiseRougeL', 'meanWords']);
      assert.equal(metrics.meanWords, 3.5);
      near(metrics.distinct1, 5 / 7, 1e-12);
      near(metrics.distinct2, 4 / 5, 1e-12);
      near(metrics.meanPairwiseRougeL!, rougeL('the cat sat', 'the cat ran fast').f1, 1e-12);
    });

    it('with a reference: means over the samples', () => {
      const samples = ['the cat sat on the mat', 'a cat on a mat', 'nothing alike'];
      const reference = 'The cat sat on the mat.';
      const metrics = columnMetrics(samples, reference);
      const mean = (f: (s: string) => number) => samples.reduce((sum, s) => sum + f(s), 0) / samples.length;
      near(metrics.rouge1!, mean((s) => rougeN(s, reference, 1).f1), 1e-12);
      near(metrics.rouge2!, mean((s) => rougeN(s, reference, 2).f1), 1e-12);
      near(metrics.rougeL!, mean((s) => rougeL(s, reference).f1), 1e-12);
      near(metrics.bleu!, mean((s) => sentenceBleu(s, reference).score), 1e-12);
    });

    it('one sample has no pairwise mean; no samples give zeros and no reference metrics', () => {
      const one = columnMetrics(['only one'], 'only one');
      assert.equal(one.meanPairwiseRougeL, undefined);
      assert.equal(one.rouge1, 1);
      near(one.bleu!, 100, 1e-9);
      assert.deepEqual(columnMetrics([], 'ref'), { meanWords: 0, distinct1: 0, distinct2: 0 });
    });
  });
});
