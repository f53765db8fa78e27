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

WRONG = {
    "self_information": {
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
    },
    "entropy": {
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
    },
    "empirical_distribution": {
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
    },
    "huffman_code_lengths": {
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
    },
    "cross_entropy": {
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
    },
    "kl_divergence": {
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
    },
}

RIGHT = {
    "self_information": {
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
    },
    "entropy": {
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
    },
    "empirical_distribution": {
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
    },
    "huffman_code_lengths": {
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
    },
    "cross_entropy": {
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
    },
    "kl_divergence": {
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
    },
}


# Added for issue 13: more mistakes a student makes, and right answers written differently (float32 torch).
WRONG["entropy"]["plain_mean_of_information"] = '''
def entropy(p, base=2.0):
    p = np.asarray(p, dtype=float)
    if np.any(p < 0) or abs(p.sum() - 1) > 1e-6:
        raise ValueError("not a distribution")
    p = p[p > 0]
    return float(np.mean(-np.log(p)) / np.log(base))
'''
WRONG["entropy"]["mean_of_p_log_p"] = '''
def entropy(p, base=2.0):
    p = np.asarray(p, dtype=float)
    if np.any(p < 0) or abs(p.sum() - 1) > 1e-6:
        raise ValueError("not a distribution")
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(p > 0, -p * np.log(p), 0.0)
    return float(np.mean(terms) / np.log(base))
'''
WRONG["cross_entropy"]["entropy_of_q"] = '''
def cross_entropy(p, q, base=2.0):
''' + _CHECK + '''
    s = q > 0
    return float(-np.sum(q[s] * np.log(q[s])) / np.log(base))
'''
WRONG["kl_divergence"]["validates_p_only"] = '''
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
'''
WRONG["self_information"]["base_ignored_natural_log_for_arrays_only"] = '''
def self_information(p, base=2.0):
    if np.ndim(p) == 0:
        return -math.log(p, base) if p > 0 else math.inf
    with np.errstate(divide="ignore"):
        return -np.log(np.asarray(p, dtype=float))
'''

RIGHT["entropy"]["torch_float32"] = '''
import torch


def entropy(p, base=2.0):
    t = torch.as_tensor(np.asarray(p, dtype=float), dtype=torch.float32)
    if bool((t < 0).any()) or abs(float(np.sum(np.asarray(p, dtype=float))) - 1.0) > 1e-6:
        raise ValueError("p is not a probability distribution")
    t = t[t > 0]
    return float(-(t * torch.log(t)).sum() / math.log(base))
'''
RIGHT["cross_entropy"]["torch_float32"] = '''
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
'''
RIGHT["kl_divergence"]["torch_float32"] = '''
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
'''
RIGHT["self_information"]["torch_float32"] = '''
import torch


def self_information(p, base=2.0):
    t = torch.as_tensor(np.asarray(p, dtype=float), dtype=torch.float32)
    h = (-torch.log(t) / math.log(base)).numpy().astype(float) + 0.0
    return float(h) if h.ndim == 0 else h
'''

# Added for issue 26: heapq compares the next item of a tuple when two probabilities tie; dict nodes cannot be
# ordered (the notebook hints a tie-breaking counter).
WRONG["huffman_code_lengths"]["no_tie_breaker_dict_nodes"] = '''
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
'''
