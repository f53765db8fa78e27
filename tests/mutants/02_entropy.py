"""Wrong and right implementations of the graded functions of 02_entropy (see tests/test_mutants.py).

Each source replaces the whole answer cell; ``np`` and ``math`` come from the notebook's setup cell.
WRONG ones are realistic mistakes and must lose points; RIGHT ones are written differently from the
solution and must keep every point.
"""

# A validation block that several implementations share (right and wrong alike).
_CHECK = '''
    def check(r, name):
        r = np.asarray(r, dtype=float)
        if np.any(r < 0):
            raise ValueError(f"{name} has a negative entry")
        if abs(r.sum() - 1.0) > 1e-6:
            raise ValueError(f"{name} does not sum to 1")
        return r

    p, q = check(p, "p"), check(q, "q")
    if p.shape != q.shape:
        raise ValueError("shape mismatch")
'''

# Issue 27: the arithmetic coder. The reference is Witten, Neal and Cleary's bit-by-bit integer coder (Python ints);
# a WRONG or RIGHT encoder runs with the reference decoder and the other way round, so that the RIGHT ones written as
# another design (rANS, exact big-integer arithmetic) replace the decoder's cell and define the matching encoder there
# too, as a student who wrote that design hands in both cells.

_WNC_ENCODE_HEAD = '''
def arithmetic_encode(symbols, probs):
    symbols = [int(s) for s in np.asarray(symbols, dtype=np.int64).ravel()]
    if not symbols:
        return ""
    freqs = coding.quantize(probs)
    if freqs.ndim != 2 or freqs.shape[0] != len(symbols):
        raise ValueError("one row per symbol")
    if min(symbols) < 0 or max(symbols) >= freqs.shape[1]:
        raise ValueError("symbol out of range")
    cum = np.zeros((len(symbols), freqs.shape[1] + 1), dtype=np.int64)
    cum[:, 1:] = np.cumsum(freqs, axis=1)
    T = 1 << coding.PRECISION
    FULL, HALF, QUARTER = 1 << 32, 1 << 31, 1 << 30
    low, high, pending, out = 0, FULL - 1, 0, []
'''

_WNC_DECODE_HEAD = '''
def arithmetic_decode(bits, next_distribution, n_symbols):
    T = 1 << coding.PRECISION
    FULL, HALF, QUARTER = 1 << 32, 1 << 31, 1 << 30
    padded = bits + "0" * 32
    value, pos = int(padded[:32], 2), 32
    low, high = 0, FULL - 1
    decoded = []
'''

_WNC_DECODE_SCALE = '''
        while True:
            if high < HALF:
                pass
            elif low >= HALF:
                value, low, high = value - HALF, low - HALF, high - HALF
            elif low >= QUARTER and high < 3 * QUARTER:
                value, low, high = value - QUARTER, low - QUARTER, high - QUARTER
            else:
                break
            low, high = 2 * low, 2 * high + 1
            value = 2 * value + (int(padded[pos]) if pos < len(padded) else 0)
            pos += 1
'''


WRONG: dict[str, dict[str, str]] = {}
RIGHT: dict[str, dict[str, str]] = {}


# ---- self_information ----
WRONG["self_information"] = {
    "natural_log_ignores_base": '''
def self_information(p, base=2.0):
    with np.errstate(divide="ignore"):
        return -np.log(np.asarray(p, dtype=float))
''',
    "log2_ignores_base": '''
def self_information(p, base=2.0):
    with np.errstate(divide="ignore"):
        return -np.log2(np.asarray(p, dtype=float))
''',
    "missing_minus_sign": '''
def self_information(p, base=2.0):
    with np.errstate(divide="ignore"):
        return np.log(np.asarray(p, dtype=float)) / np.log(base)
''',
    "entropy_term_p_log_p": '''
def self_information(p, base=2.0):
    p = np.asarray(p, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return -p * np.log(p) / np.log(base)
''',
    "clipped_to_epsilon": '''
def self_information(p, base=2.0):
    p = np.clip(np.asarray(p, dtype=float), 1e-12, 1.0)
    return -np.log(p) / np.log(base)
''',
    "math_log_scalars_only": '''
def self_information(p, base=2.0):
    return -math.log(p, base)
''',
    "base_ignored_natural_log_for_arrays_only": '''
def self_information(p, base=2.0):
    if np.ndim(p) == 0:
        return -math.log(p, base) if p > 0 else math.inf
    with np.errstate(divide="ignore"):
        return -np.log(np.asarray(p, dtype=float))
''',
}

RIGHT["self_information"] = {
    "log_of_reciprocal": '''
def self_information(p, base=2.0):
    with np.errstate(divide="ignore"):
        return np.log(1.0 / np.asarray(p, dtype=float)) / math.log(base)
''',
    "numpy_emath_logn": '''
def self_information(p, base=2.0):
    with np.errstate(divide="ignore"):
        return -np.emath.logn(base, np.asarray(p, dtype=float))
''',
    "torch_float32": '''
import torch


def self_information(p, base=2.0):
    t = torch.as_tensor(np.asarray(p, dtype=float), dtype=torch.float32)
    h = (-torch.log(t) / math.log(base)).numpy().astype(float) + 0.0
    return float(h) if h.ndim == 0 else h
''',
}


# ---- entropy ----
WRONG["entropy"] = {
    "natural_log_ignores_base": '''
def entropy(p, base=2.0):
    p = np.asarray(p, dtype=float)
    if np.any(p < 0) or abs(p.sum() - 1) > 1e-6:
        raise ValueError("not a distribution")
    p = p[p > 0]
    return float(-np.sum(p * np.log(p)))
''',
    "nan_from_0_log_0": '''
def entropy(p, base=2.0):
    p = np.asarray(p, dtype=float)
    if np.any(p < 0) or abs(p.sum() - 1) > 1e-6:
        raise ValueError("not a distribution")
    with np.errstate(divide="ignore", invalid="ignore"):
        return float(-np.sum(p * np.log(p)) / np.log(base))
''',
    "no_value_error": '''
def entropy(p, base=2.0):
    p = np.asarray(p, dtype=float)
    p = p[p > 0]
    return float(-np.sum(p * np.log(p)) / np.log(base))
''',
    "checks_sum_not_negatives": '''
def entropy(p, base=2.0):
    p = np.asarray(p, dtype=float)
    if abs(p.sum() - 1) > 1e-6:
        raise ValueError("does not sum to 1")
    p = p[p > 0]
    return float(-np.sum(p * np.log(p)) / np.log(base))
''',
    "exact_sum_comparison": '''
def entropy(p, base=2.0):
    p = np.asarray(p, dtype=float)
    if np.any(p < 0) or p.sum() != 1.0:
        raise ValueError("not a distribution")
    p = p[p > 0]
    return float(-np.sum(p * np.log(p)) / np.log(base))
''',
    "tolerance_too_loose": '''
def entropy(p, base=2.0):
    p = np.asarray(p, dtype=float)
    if np.any(p < 0) or not np.isclose(p.sum(), 1.0, atol=1e-3):
        raise ValueError("not a distribution")
    p = p[p > 0]
    return float(-np.sum(p * np.log(p)) / np.log(base))
''',
    "plain_mean_of_information": '''
def entropy(p, base=2.0):
    p = np.asarray(p, dtype=float)
    if np.any(p < 0) or abs(p.sum() - 1) > 1e-6:
        raise ValueError("not a distribution")
    p = p[p > 0]
    return float(np.mean(-np.log(p)) / np.log(base))
''',
    "mean_of_p_log_p": '''
def entropy(p, base=2.0):
    p = np.asarray(p, dtype=float)
    if np.any(p < 0) or abs(p.sum() - 1) > 1e-6:
        raise ValueError("not a distribution")
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(p > 0, -p * np.log(p), 0.0)
    return float(np.mean(terms) / np.log(base))
''',
}

RIGHT["entropy"] = {
    "scipy_entr": '''
from scipy.special import entr


def entropy(p, base=2.0):
    p = np.asarray(p, dtype=float)
    if (p < 0).any():
        raise ValueError("negative probability")
    if not math.isclose(p.sum(), 1.0, rel_tol=0.0, abs_tol=1e-6):
        raise ValueError("probabilities do not sum to 1")
    return entr(p).sum() / math.log(base)
''',
    "python_loop": '''
def entropy(p, base=2.0):
    total, h = 0.0, 0.0
    for x in p:
        if x < 0:
            raise ValueError("negative probability")
        total += x
        if x > 0:
            h -= x * math.log(x, base)
    if abs(total - 1) > 1e-6:
        raise ValueError("probabilities do not sum to 1")
    return h
''',
    "torch_float32": '''
import torch


def entropy(p, base=2.0):
    t = torch.as_tensor(np.asarray(p, dtype=float), dtype=torch.float32)
    if bool((t < 0).any()) or abs(float(np.sum(np.asarray(p, dtype=float))) - 1.0) > 1e-6:
        raise ValueError("p is not a probability distribution")
    t = t[t > 0]
    return float(-(t * torch.log(t)).sum() / math.log(base))
''',
}


# ---- empirical_distribution ----
WRONG["empirical_distribution"] = {
    "np_unique_drops_absent_symbols": '''
def empirical_distribution(samples, n_symbols):
    values, counts = np.unique(np.asarray(samples), return_counts=True)
    return counts / counts.sum()
''',
    "bincount_without_minlength": '''
def empirical_distribution(samples, n_symbols):
    samples = np.asarray(samples, dtype=int)
    return np.bincount(samples) / len(samples)
''',
    "counts_not_frequencies": '''
def empirical_distribution(samples, n_symbols):
    return np.bincount(np.asarray(samples, dtype=int), minlength=n_symbols)
''',
    "divides_by_n_symbols": '''
def empirical_distribution(samples, n_symbols):
    return np.bincount(np.asarray(samples, dtype=int), minlength=n_symbols) / n_symbols
''',
    "symbols_1_to_n_off_by_one": '''
def empirical_distribution(samples, n_symbols):
    samples = np.asarray(samples)
    return np.array([np.mean(samples == k) for k in range(1, n_symbols + 1)])
''',
}

RIGHT["empirical_distribution"] = {
    "one_hot_mean": '''
def empirical_distribution(samples, n_symbols):
    samples = np.asarray(samples).reshape(-1, 1)
    return (samples == np.arange(n_symbols)).mean(axis=0)
''',
    "counter": '''
from collections import Counter


def empirical_distribution(samples, n_symbols):
    counts = Counter(int(s) for s in samples)
    n = sum(counts.values())
    return np.array([counts[k] / n for k in range(n_symbols)])
''',
}


# ---- huffman_code_lengths ----
WRONG["huffman_code_lengths"] = {
    "shannon_code_ceil_log": '''
def huffman_code_lengths(p):
    return np.ceil(-np.log2(np.asarray(p, dtype=float))).astype(int)
''',
    "rounded_log": '''
def huffman_code_lengths(p):
    return np.maximum(np.round(-np.log2(np.asarray(p, dtype=float))), 1).astype(int)
''',
    "float_lengths": '''
import heapq


def huffman_code_lengths(p):
    lengths = np.zeros(len(p))
    heap = [(w, k, [k]) for k, w in enumerate(p)]
    heapq.heapify(heap)
    while len(heap) > 1:
        wa, ka, a = heapq.heappop(heap)
        wb, kb, b = heapq.heappop(heap)
        lengths[a + b] += 1
        heapq.heappush(heap, (wa + wb, min(ka, kb), a + b))
    return lengths
''',
    "merges_two_most_probable": '''
import heapq


def huffman_code_lengths(p):
    lengths = np.zeros(len(p), dtype=int)
    heap = [(-w, k, [k]) for k, w in enumerate(p)]
    heapq.heapify(heap)
    counter = len(p)
    while len(heap) > 1:
        wa, _, a = heapq.heappop(heap)
        wb, _, b = heapq.heappop(heap)
        lengths[a + b] += 1
        heapq.heappush(heap, (wa + wb, counter, a + b))
        counter += 1
    return lengths
''',
    "lengths_in_sorted_order": '''
import heapq


def huffman_code_lengths(p):
    p = np.sort(np.asarray(p, dtype=float))[::-1]
    lengths = np.zeros(len(p), dtype=int)
    heap = [(w, k, [k]) for k, w in enumerate(p)]
    heapq.heapify(heap)
    while len(heap) > 1:
        wa, ka, a = heapq.heappop(heap)
        wb, kb, b = heapq.heappop(heap)
        lengths[a + b] += 1
        heapq.heappush(heap, (wa + wb, max(ka, kb), a + b))
    return lengths
''',
    "only_merged_roots_get_a_bit": '''
import heapq


def huffman_code_lengths(p):
    lengths = np.zeros(len(p), dtype=int)
    heap = [(w, k) for k, w in enumerate(p)]
    heapq.heapify(heap)
    while len(heap) > 1:
        wa, a = heapq.heappop(heap)
        wb, b = heapq.heappop(heap)
        lengths[a] += 1
        lengths[b] += 1
        heapq.heappush(heap, (wa + wb, min(a, b)))
    return lengths
''',
    "depth_counts_the_root": '''
import heapq


def huffman_code_lengths(p):
    heap = [(w, k, [k]) for k, w in enumerate(p)]
    heapq.heapify(heap)
    lengths = np.ones(len(p), dtype=int)
    counter = len(p)
    while len(heap) > 1:
        wa, _, a = heapq.heappop(heap)
        wb, _, b = heapq.heappop(heap)
        lengths[a + b] += 1
        heapq.heappush(heap, (wa + wb, counter, a + b))
        counter += 1
    return lengths
''',
    # heapq compares the next item of a tuple when two probabilities tie; dict nodes cannot be ordered (the notebook
    # hints a tie-breaking counter).
    "no_tie_breaker_dict_nodes": '''
import heapq


def huffman_code_lengths(p):
    heap = [(float(w), {"symbols": [k]}) for k, w in enumerate(p)]
    heapq.heapify(heap)
    lengths = np.zeros(len(heap), dtype=int)
    while len(heap) > 1:
        wa, a = heapq.heappop(heap)
        wb, b = heapq.heappop(heap)
        merged = a["symbols"] + b["symbols"]
        lengths[merged] += 1
        heapq.heappush(heap, (wa + wb, {"symbols": merged}))
    return lengths
''',
}

RIGHT["huffman_code_lengths"] = {
    "explicit_tree_and_depths": '''
import heapq
import itertools


def huffman_code_lengths(p):
    tick = itertools.count()
    heap = [(float(w), next(tick), ("leaf", k)) for k, w in enumerate(p)]
    heapq.heapify(heap)
    while len(heap) > 1:
        wa, _, a = heapq.heappop(heap)
        wb, _, b = heapq.heappop(heap)
        heapq.heappush(heap, (wa + wb, next(tick), ("node", a, b)))
    lengths = np.zeros(len(p), dtype=int)
    stack = [(heap[0][2], 0)]
    while stack:
        node, depth = stack.pop()
        if node[0] == "leaf":
            lengths[node[1]] = depth
        else:
            stack.extend([(node[1], depth + 1), (node[2], depth + 1)])
    return lengths
''',
    "two_queues_on_sorted_p": '''
from collections import deque


def huffman_code_lengths(p):
    p = np.asarray(p, dtype=float)
    order = np.argsort(p, kind="stable")
    leaves = deque((p[k], [int(k)]) for k in order)
    merged = deque()
    lengths = np.zeros(len(p), dtype=np.int32)

    def pop_smallest():
        if not merged or (leaves and leaves[0][0] <= merged[0][0]):
            return leaves.popleft()
        return merged.popleft()

    while len(leaves) + len(merged) > 1:
        wa, a = pop_smallest()
        wb, b = pop_smallest()
        for k in a + b:
            lengths[k] += 1
        merged.append((wa + wb, a + b))
    return lengths
''',
}


# ---- cross_entropy ----
WRONG["cross_entropy"] = {
    "p_and_q_swapped": '''
def cross_entropy(p, q, base=2.0):
''' + _CHECK + '''
    if np.any(p[q > 0] == 0):
        return math.inf
    return float(-np.sum(q[q > 0] * np.log(p[q > 0])) / np.log(base))
''',
    "natural_log_ignores_base": '''
def cross_entropy(p, q, base=2.0):
''' + _CHECK + '''
    if np.any(q[p > 0] == 0):
        return math.inf
    return float(-np.sum(p[p > 0] * np.log(q[p > 0])))
''',
    "no_shape_check_broadcasts": '''
def cross_entropy(p, q, base=2.0):
    p, q = np.asarray(p, dtype=float), np.asarray(q, dtype=float)
    for r in (p, q):
        if np.any(r < 0) or abs(r.sum() - 1) > 1e-6:
            raise ValueError("not a distribution")
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(p > 0, p * np.log(q), 0.0)
    return float(-np.sum(terms) / np.log(base))
''',
    "validates_p_only": '''
def cross_entropy(p, q, base=2.0):
    p, q = np.asarray(p, dtype=float), np.asarray(q, dtype=float)
    if np.any(p < 0) or abs(p.sum() - 1) > 1e-6 or p.shape != q.shape:
        raise ValueError("invalid input")
    support = p > 0
    if np.any(q[support] <= 0):
        return math.inf
    return float(-np.sum(p[support] * np.log(q[support])) / np.log(base))
''',
    "nan_where_p_and_q_are_0": '''
def cross_entropy(p, q, base=2.0):
''' + _CHECK + '''
    with np.errstate(divide="ignore", invalid="ignore"):
        return float(-np.sum(p * np.log(q)) / np.log(base))
''',
    "epsilon_hides_inf": '''
def cross_entropy(p, q, base=2.0):
''' + _CHECK + '''
    return float(-np.sum(p * np.log(q + 1e-12)) / np.log(base))
''',
    "entropy_of_q": '''
def cross_entropy(p, q, base=2.0):
''' + _CHECK + '''
    s = q > 0
    return float(-np.sum(q[s] * np.log(q[s])) / np.log(base))
''',
}

RIGHT["cross_entropy"] = {
    "python_loop": '''
def cross_entropy(p, q, base=2.0):
    p, q = list(map(float, p)), list(map(float, q))
    if len(p) != len(q):
        raise ValueError("p and q differ in length")
    for r in (p, q):
        if min(r) < 0 or abs(sum(r) - 1) > 1e-6:
            raise ValueError("not a distribution")
    total = 0.0
    for a, b in zip(p, q):
        if a > 0:
            if b == 0:
                return math.inf
            total -= a * math.log(b)
    return total / math.log(base)
''',
    "torch_float32": '''
import torch


def cross_entropy(p, q, base=2.0):
    p64, q64 = np.asarray(p, dtype=float), np.asarray(q, dtype=float)
    if p64.shape != q64.shape:
        raise ValueError("shapes differ")
    for r in (p64, q64):
        if np.any(r < 0) or abs(r.sum() - 1.0) > 1e-6:
            raise ValueError("not a distribution")
    pt, qt = torch.tensor(p64, dtype=torch.float32), torch.tensor(q64, dtype=torch.float32)
    s = pt > 0
    if bool((qt[s] == 0).any()):
        return math.inf
    return float(-(pt[s] * torch.log(qt[s])).sum() / math.log(base))
''',
}


# ---- kl_divergence ----
WRONG["kl_divergence"] = {
    "sums_over_q_positive": '''
def kl_divergence(p, q, base=2.0):
''' + _CHECK + '''
    mask = q > 0
    with np.errstate(divide="ignore", invalid="ignore"):
        return float(np.sum(p[mask] * np.log(p[mask] / q[mask])) / np.log(base))
''',
    "p_and_q_swapped": '''
def kl_divergence(p, q, base=2.0):
''' + _CHECK + '''
    p, q = q, p
    if np.any(q[p > 0] == 0):
        return math.inf
    s = p > 0
    return float(np.sum(p[s] * np.log(p[s] / q[s])) / np.log(base))
''',
    "natural_log_ignores_base": '''
def kl_divergence(p, q, base=2.0):
''' + _CHECK + '''
    s = p > 0
    if np.any(q[s] == 0):
        return math.inf
    return float(np.sum(p[s] * np.log(p[s] / q[s])))
''',
    "no_value_error": '''
def kl_divergence(p, q, base=2.0):
    p, q = np.asarray(p, dtype=float), np.asarray(q, dtype=float)
    s = p > 0
    if np.any(q[s] == 0):
        return math.inf
    return float(np.sum(p[s] * np.log(p[s] / q[s])) / np.log(base))
''',
    "symmetrised_average": '''
def kl_divergence(p, q, base=2.0):
''' + _CHECK + '''
    def one_way(a, b):
        s = a > 0
        if np.any(b[s] == 0):
            return math.inf
        return float(np.sum(a[s] * np.log(a[s] / b[s])) / np.log(base))

    return 0.5 * (one_way(p, q) + one_way(q, p))
''',
    "absolute_log_ratio": '''
def kl_divergence(p, q, base=2.0):
''' + _CHECK + '''
    s = p > 0
    if np.any(q[s] == 0):
        return math.inf
    return float(np.sum(p[s] * np.abs(np.log(p[s] / q[s]))) / np.log(base))
''',
    "no_shape_check_broadcasts": '''
def kl_divergence(p, q, base=2.0):
    p, q = np.asarray(p, dtype=float), np.asarray(q, dtype=float)
    for r in (p, q):
        if np.any(r < 0) or abs(r.sum() - 1) > 1e-6:
            raise ValueError("not a distribution")
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(p > 0, p * np.log(p / q), 0.0)
    return float(np.sum(terms) / np.log(base))
''',
    "validates_p_only": '''
def kl_divergence(p, q, base=2.0):
    p, q = np.asarray(p, dtype=float), np.asarray(q, dtype=float)
    if np.any(p < 0) or abs(p.sum() - 1) > 1e-6:
        raise ValueError("p is not a distribution")
    if p.shape != q.shape:
        raise ValueError("shape mismatch")
    s = p > 0
    if np.any(q[s] == 0):
        return math.inf
    return float(np.sum(p[s] * np.log(p[s] / q[s])) / np.log(base))
''',
}

RIGHT["kl_divergence"] = {
    "scipy_rel_entr": '''
from scipy.special import rel_entr


def kl_divergence(p, q, base=2.0):
''' + _CHECK + '''
    return float(rel_entr(p, q).sum() / np.log(base))
''',
    "cross_entropy_minus_entropy": '''
def kl_divergence(p, q, base=2.0):
''' + _CHECK + '''
    return cross_entropy(p, q, base) - entropy(p, base)
''',
    "torch_float32": '''
import torch


def kl_divergence(p, q, base=2.0):
    p64, q64 = np.asarray(p, dtype=float), np.asarray(q, dtype=float)
    if p64.shape != q64.shape:
        raise ValueError("shapes differ")
    for r in (p64, q64):
        if np.any(r < 0) or abs(r.sum() - 1.0) > 1e-6:
            raise ValueError("not a distribution")
    pt, qt = torch.tensor(p64, dtype=torch.float32), torch.tensor(q64, dtype=torch.float32)
    s = pt > 0
    if bool((qt[s] == 0).any()):
        return math.inf
    return max(float((pt[s] * (torch.log(pt[s]) - torch.log(qt[s]))).sum() / math.log(base)), 0.0)
''',
}


# ---- arithmetic_encode ----
WRONG["arithmetic_encode"] = {
    "pending_bits_never_written": _WNC_ENCODE_HEAD + '''
    for i, s in enumerate(symbols):
        start, end = int(cum[i, s]), int(cum[i, s + 1])
        if start == end:
            raise ValueError("probability 0")
        width = high - low + 1
        high = low + width * end // T - 1
        low = low + width * start // T
        while True:
            if high < HALF:
                out.append("0")
            elif low >= HALF:
                out.append("1")
                low, high = low - HALF, high - HALF
            elif low >= QUARTER and high < 3 * QUARTER:
                low, high = low - QUARTER, high - QUARTER  # scaled, but the pending bit is forgotten
            else:
                break
            low, high = 2 * low, 2 * high + 1
    out.append("0" if low < QUARTER else "1")
    out.append("1" if low < QUARTER else "0")
    return "".join(out)
''',
    "uniform_frequencies_ignore_probs": _WNC_ENCODE_HEAD + '''
    k = freqs.shape[1]
    for s in symbols:
        width = high - low + 1
        high = low + width * (s + 1) // k - 1
        low = low + width * s // k
        while True:
            if high < HALF:
                out.append("0" + "1" * pending)
                pending = 0
            elif low >= HALF:
                out.append("1" + "0" * pending)
                pending = 0
                low, high = low - HALF, high - HALF
            elif low >= QUARTER and high < 3 * QUARTER:
                pending += 1
                low, high = low - QUARTER, high - QUARTER
            else:
                break
            low, high = 2 * low, 2 * high + 1
    pending += 1
    out.append(("0" + "1" * pending) if low < QUARTER else ("1" + "0" * pending))
    return "".join(out)
''',
    "rounded_frequencies_zero_for_rare_symbols": '''
def arithmetic_encode(symbols, probs):
    symbols = [int(s) for s in symbols]
    if not symbols:
        return ""
    p = np.asarray(probs, dtype=float)
    T = 1 << coding.PRECISION
    freqs = np.round(p / p.sum(axis=1, keepdims=True) * T).astype(np.int64)  # no floor of 1
    freqs[np.arange(len(freqs)), freqs.argmax(axis=1)] += T - freqs.sum(axis=1)
    FULL, HALF, QUARTER = 1 << 32, 1 << 31, 1 << 30
    low, high, pending, out = 0, FULL - 1, 0, []
    for i, s in enumerate(symbols):
        if freqs[i, s] == 0:
            raise ValueError(f"symbol {s} at position {i} has probability 0")
        start = int(freqs[i, :s].sum())
        end = start + int(freqs[i, s])
        width = high - low + 1
        high = low + width * end // T - 1
        low = low + width * start // T
        while True:
            if high < HALF:
                out.append("0" + "1" * pending)
                pending = 0
            elif low >= HALF:
                out.append("1" + "0" * pending)
                pending = 0
                low, high = low - HALF, high - HALF
            elif low >= QUARTER and high < 3 * QUARTER:
                pending += 1
                low, high = low - QUARTER, high - QUARTER
            else:
                break
            low, high = 2 * low, 2 * high + 1
    pending += 1
    out.append(("0" + "1" * pending) if low < QUARTER else ("1" + "0" * pending))
    return "".join(out)
''',
    "cumulative_counts_one_symbol_early": _WNC_ENCODE_HEAD + '''
    for i, s in enumerate(symbols):
        start, end = int(cum[i, s - 1]), int(cum[i, s])  # indexed as if cum had no leading 0: one symbol early
        if end <= start:
            raise ValueError("probability 0")
        width = high - low + 1
        high = low + width * end // T - 1
        low = low + width * start // T
        while True:
            if high < HALF:
                out.append("0" + "1" * pending)
                pending = 0
            elif low >= HALF:
                out.append("1" + "0" * pending)
                pending = 0
                low, high = low - HALF, high - HALF
            elif low >= QUARTER and high < 3 * QUARTER:
                pending += 1
                low, high = low - QUARTER, high - QUARTER
            else:
                break
            low, high = 2 * low, 2 * high + 1
    pending += 1
    out.append(("0" + "1" * pending) if low < QUARTER else ("1" + "0" * pending))
    return "".join(out)
''',
    "no_final_bits": _WNC_ENCODE_HEAD + '''
    for i, s in enumerate(symbols):
        start, end = int(cum[i, s]), int(cum[i, s + 1])
        if start == end:
            raise ValueError("probability 0")
        width = high - low + 1
        high = low + width * end // T - 1
        low = low + width * start // T
        while True:
            if high < HALF:
                out.append("0" + "1" * pending)
                pending = 0
            elif low >= HALF:
                out.append("1" + "0" * pending)
                pending = 0
                low, high = low - HALF, high - HALF
            elif low >= QUARTER and high < 3 * QUARTER:
                pending += 1
                low, high = low - QUARTER, high - QUARTER
            else:
                break
            low, high = 2 * low, 2 * high + 1
    return "".join(out)  # the interval's last bits are never written
''',
    "zero_probability_not_refused": _WNC_ENCODE_HEAD.replace(  # every symbol gets a frequency >= 1, p = 0 too
        "freqs = coding.quantize(probs)", "freqs = coding.quantize(np.asarray(probs, dtype=float) + 1e-12)") + '''
    for i, s in enumerate(symbols):
        start, end = int(cum[i, s]), int(cum[i, s + 1])
        width = high - low + 1
        high = low + width * end // T - 1
        low = low + width * start // T
        while True:
            if high < HALF:
                out.append("0" + "1" * pending)
                pending = 0
            elif low >= HALF:
                out.append("1" + "0" * pending)
                pending = 0
                low, high = low - HALF, high - HALF
            elif low >= QUARTER and high < 3 * QUARTER:
                pending += 1
                low, high = low - QUARTER, high - QUARTER
            else:
                break
            low, high = 2 * low, 2 * high + 1
    pending += 1
    out.append(("0" + "1" * pending) if low < QUARTER else ("1" + "0" * pending))
    return "".join(out)
''',
}

RIGHT["arithmetic_encode"] = {
    "fixed_width_masks_and_bit_ints": '''
MASK32 = (1 << 32) - 1


def arithmetic_encode(symbols, probs):
    symbols = np.asarray(symbols, dtype=np.int64).reshape(-1)
    n = symbols.shape[0]
    if n == 0:
        return ""
    freqs = coding.quantize(np.asarray(probs))
    if freqs.ndim != 2 or len(freqs) != n:
        raise ValueError("need one probability row per symbol")
    if symbols.min() < 0 or symbols.max() >= freqs.shape[1]:
        raise ValueError("symbol outside the alphabet")
    bits, follow = [], 0
    low, high = 0x00000000, 0xFFFFFFFF
    for row, s in zip(freqs, symbols.tolist()):
        f = int(row[s])
        if f == 0:
            raise ValueError("zero probability")
        c = int(row[:s].sum())
        rng_ = (high - low + 1) & ((1 << 33) - 1)
        high = (low + ((rng_ * (c + f)) >> coding.PRECISION) - 1) & MASK32
        low = (low + ((rng_ * c) >> coding.PRECISION)) & MASK32
        while True:
            top_low, top_high = low >> 31, high >> 31
            if top_low == top_high:
                bits.append(top_low)
                bits.extend([1 - top_low] * follow)
                follow = 0
            elif (low >> 30) & 1 and not (high >> 30) & 1:
                follow += 1
                low &= 0x3FFFFFFF
                high |= 0x40000000
            else:
                break
            low = (low << 1) & MASK32
            high = ((high << 1) | 1) & MASK32
    follow += 1
    first = (low >> 30) & 1
    bits.append(first)
    bits.extend([1 - first] * follow)
    return "".join(map(str, bits))
''',
    "rows_quantised_one_by_one_python_lists": '''
def arithmetic_encode(symbols, probs):
    symbols = [int(s) for s in symbols]
    rows = [coding.quantize(row) for row in np.asarray(probs, dtype=float)] if len(symbols) else []
    if len(rows) != len(symbols):
        raise ValueError("one row per symbol")
    total = 2 ** coding.PRECISION
    half, quarter = 2 ** 31, 2 ** 30
    low, high, waiting, code = 0, 2 ** 32 - 1, 0, ""
    for row, s in zip(rows, symbols):
        if not 0 <= s < len(row) or row[s] == 0:
            raise ValueError(f"cannot code symbol {s}")
        before = sum(int(v) for v in row[:s])
        span = high - low + 1
        low, high = low + span * before // total, low + span * (before + int(row[s])) // total - 1
        while high < half or low >= half or (quarter <= low and high < half + quarter):
            if high < half:
                code += "0" + "1" * waiting
                waiting = 0
            elif low >= half:
                code += "1" + "0" * waiting
                waiting = 0
                low -= half
                high -= half
            else:
                waiting += 1
                low -= quarter
                high -= quarter
            low, high = 2 * low, 2 * high + 1
    if not symbols:
        return code
    waiting += 1
    return code + ("0" + "1" * waiting if low < quarter else "1" + "0" * waiting)
''',
}


# ---- arithmetic_decode ----
WRONG["arithmetic_decode"] = {
    "decodes_until_the_bits_run_out": '''
def arithmetic_decode(bits, next_distribution, n_symbols):
    T = 1 << coding.PRECISION
    FULL, HALF, QUARTER = 1 << 32, 1 << 31, 1 << 30
    padded = bits + "0" * 32
    value, pos = int(padded[:32], 2), 32
    low, high = 0, FULL - 1
    decoded = []
    while pos < len(bits) + 32 and len(decoded) < 10 * len(bits) + 10:  # n_symbols unused
        try:
            cum = np.concatenate([[0], np.cumsum(coding.quantize(next_distribution(list(decoded))))])
        except IndexError:
            break
        width = high - low + 1
        target = ((value - low + 1) * T - 1) // width
        s = int(np.searchsorted(cum, target, side="right")) - 1
        high = low + width * int(cum[s + 1]) // T - 1
        low = low + width * int(cum[s]) // T
''' + _WNC_DECODE_SCALE + '''
        decoded.append(s)
    return decoded
''',
    "symbol_index_off_by_one": _WNC_DECODE_HEAD + '''
    for _ in range(n_symbols):
        cum = np.concatenate([[0], np.cumsum(coding.quantize(next_distribution(list(decoded))))])
        width = high - low + 1
        target = ((value - low + 1) * T - 1) // width
        s = min(int(np.searchsorted(cum, target, side="right")), len(cum) - 2)  # the -1 is missing
        high = low + width * int(cum[s + 1]) // T - 1
        low = low + width * int(cum[s]) // T
''' + _WNC_DECODE_SCALE + '''
        decoded.append(s)
    return decoded
''',
    "no_underflow_scaling": _WNC_DECODE_HEAD + '''
    for _ in range(n_symbols):
        cum = np.concatenate([[0], np.cumsum(coding.quantize(next_distribution(list(decoded))))])
        width = high - low + 1
        target = min(((value - low + 1) * T - 1) // width, T - 1)
        s = int(np.searchsorted(cum, target, side="right")) - 1
        high = low + width * int(cum[s + 1]) // T - 1
        low = low + width * int(cum[s]) // T
        while high - low >= 0:
            if high < HALF:
                pass
            elif low >= HALF:
                value, low, high = value - HALF, low - HALF, high - HALF
            else:
                break  # the middle half (underflow) is not handled
            low, high = 2 * low, 2 * high + 1
            value = 2 * value + (int(padded[pos]) if pos < len(padded) else 0)
            pos += 1
        decoded.append(s)
    return decoded
''',
    "own_rounding_not_coding_quantize": _WNC_DECODE_HEAD + '''
    for _ in range(n_symbols):
        p = np.asarray(next_distribution(list(decoded)), dtype=float)
        f = np.maximum(np.round(p / p.sum() * T), 1).astype(np.int64)
        f[np.argmax(f)] += T - f.sum()
        cum = np.concatenate([[0], np.cumsum(f)])
        width = high - low + 1
        target = ((value - low + 1) * T - 1) // width
        s = int(np.searchsorted(cum, target, side="right")) - 1
        high = low + width * int(cum[s + 1]) // T - 1
        low = low + width * int(cum[s]) // T
''' + _WNC_DECODE_SCALE + '''
        decoded.append(s)
    return decoded
''',
    "prefix_includes_the_symbol": _WNC_DECODE_HEAD + '''
    for i in range(n_symbols):
        dist = next_distribution(decoded[:i + 1] if i == 0 else decoded + [decoded[-1]])
        cum = np.concatenate([[0], np.cumsum(coding.quantize(dist))])
        width = high - low + 1
        target = ((value - low + 1) * T - 1) // width
        s = int(np.searchsorted(cum, target, side="right")) - 1
        high = low + width * int(cum[s + 1]) // T - 1
        low = low + width * int(cum[s]) // T
''' + _WNC_DECODE_SCALE + '''
        decoded.append(s)
    return decoded
''',
    "no_zero_padding_past_the_end": _WNC_DECODE_HEAD.replace('padded = bits + "0" * 32', 'padded = bits').replace(
        'int(padded[:32], 2)', 'int(padded[:32], 2) << max(0, 32 - len(padded))') + '''
    for _ in range(n_symbols):
        cum = np.concatenate([[0], np.cumsum(coding.quantize(next_distribution(list(decoded))))])
        width = high - low + 1
        target = ((value - low + 1) * T - 1) // width
        s = int(np.searchsorted(cum, target, side="right")) - 1
        high = low + width * int(cum[s + 1]) // T - 1
        low = low + width * int(cum[s]) // T
        while True:
            if high < HALF:
                pass
            elif low >= HALF:
                value, low, high = value - HALF, low - HALF, high - HALF
            elif low >= QUARTER and high < 3 * QUARTER:
                value, low, high = value - QUARTER, low - QUARTER, high - QUARTER
            else:
                break
            low, high = 2 * low, 2 * high + 1
            value = 2 * value + int(padded[pos])  # IndexError once the code is read to its end
            pos += 1
        decoded.append(s)
    return decoded
''',
}

RIGHT["arithmetic_decode"] = {
    "fixed_width_masks_bit_iterator": '''
import itertools


def arithmetic_decode(bits, next_distribution, n_symbols):
    mask = 0xFFFFFFFF
    stream = itertools.chain((int(b) for b in bits), itertools.repeat(0))
    value = 0
    for _ in range(32):
        value = (value << 1) | next(stream)
    low, high, out = 0, mask, []
    for _ in range(n_symbols):
        freq = coding.quantize(next_distribution(out[:]))
        cum = np.zeros(len(freq) + 1, dtype=np.int64)
        cum[1:] = np.cumsum(freq)
        span = high - low + 1
        target = (((value - low + 1) << coding.PRECISION) - 1) // span
        s = int(np.flatnonzero(cum <= target)[-1])
        high = (low + ((span * int(cum[s + 1])) >> coding.PRECISION) - 1) & mask
        low = (low + ((span * int(cum[s])) >> coding.PRECISION)) & mask
        while True:
            if (low >> 31) == (high >> 31):
                pass
            elif (low >> 30) & 1 and not (high >> 30) & 1:
                low &= 0x3FFFFFFF
                high |= 0x40000000
                value ^= 0x40000000
            else:
                break
            low = (low << 1) & mask
            high = ((high << 1) | 1) & mask
            value = ((value << 1) & mask) | next(stream)
        out.append(s)
    return out
''',
    # A student who wrote rANS hands in both cells; here the decoder's cell defines the matching encoder too.
    "rans_pair_another_design": '''
def arithmetic_encode(symbols, probs):
    """rANS with a state in [2^16, 2^17), renormalised bit by bit; encodes backwards, decodes forwards."""
    symbols = [int(s) for s in symbols]
    T = 1 << coding.PRECISION
    if not symbols:
        return "0" * coding.PRECISION
    freqs = coding.quantize(probs)
    if freqs.ndim != 2 or len(freqs) != len(symbols):
        raise ValueError("one row per symbol")
    if min(symbols) < 0 or max(symbols) >= freqs.shape[1]:
        raise ValueError("symbol outside the alphabet")
    cums = np.cumsum(freqs, axis=1) - freqs
    x, emitted = T, []
    for i in range(len(symbols) - 1, -1, -1):
        s = symbols[i]
        f, c = int(freqs[i, s]), int(cums[i, s])
        if f == 0:
            raise ValueError("zero probability")
        while x >= 2 * f:
            emitted.append(str(x & 1))
            x >>= 1
        x = (x // f) * T + x % f + c
    return format(x - T, f"0{coding.PRECISION}b") + "".join(reversed(emitted))


def arithmetic_decode(bits, next_distribution, n_symbols):
    T = 1 << coding.PRECISION
    padded = bits + "0" * (coding.PRECISION + 1)
    x, pos, out = T + int(padded[:coding.PRECISION], 2), coding.PRECISION, []
    for _ in range(n_symbols):
        freq = coding.quantize(next_distribution(list(out)))
        cum = np.concatenate([[0], np.cumsum(freq)])
        slot = x % T
        s = int(np.searchsorted(cum, slot, side="right")) - 1
        x = int(freq[s]) * (x // T) + slot - int(cum[s])
        while x < T:
            x = 2 * x + (int(padded[pos]) if pos < len(padded) else 0)
            pos += 1
        out.append(s)
    return out
''',
    "exact_big_integers_pair": '''
def arithmetic_encode(symbols, probs):
    """Exact arithmetic coding with Python's unbounded integers: the interval [low, low + width) / T^n."""
    symbols = [int(s) for s in symbols]
    if not symbols:
        return ""
    freqs = coding.quantize(probs)
    if freqs.ndim != 2 or len(freqs) != len(symbols):
        raise ValueError("one row per symbol")
    if min(symbols) < 0 or max(symbols) >= freqs.shape[1]:
        raise ValueError("symbol outside the alphabet")
    cums = np.cumsum(freqs, axis=1) - freqs
    low, width = 0, 1
    for i, s in enumerate(symbols):
        if freqs[i, s] == 0:
            raise ValueError("zero probability")
        low = (low << coding.PRECISION) + width * int(cums[i, s])
        width *= int(freqs[i, s])
    scale = coding.PRECISION * len(symbols)  # the interval is [low, low + width) / 2^scale
    k = max(0, scale - width.bit_length())
    while True:  # the shortest k-bit fraction b / 2^k inside the interval
        b = -((-low << k) >> scale)  # ceil(low 2^k / 2^scale)
        if (b << scale) < ((low + width) << k):
            return format(b, f"0{k}b") if k else ""
        k += 1


def arithmetic_decode(bits, next_distribution, n_symbols):
    v, k = (int(bits, 2) if bits else 0), len(bits)
    low, width, out = 0, 1, []
    for i in range(n_symbols):
        freq = coding.quantize(next_distribution(list(out)))
        cum = np.concatenate([[0], np.cumsum(freq)])
        scale = coding.PRECISION * (i + 1)
        target = ((v << scale) - ((low << coding.PRECISION) << k)) // (width << k)
        s = int(np.searchsorted(cum, target, side="right")) - 1
        low = (low << coding.PRECISION) + width * int(cum[s])
        width *= int(freq[s])
        out.append(s)
    return out
''',
}
