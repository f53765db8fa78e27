"""Wrong and right implementations of the graded answers of 04_autoregressive.

Each source replaces a whole answer cell (its grade_id is the key); the notebook's own tests, hidden ones included,
must take points from every WRONG one and give full marks to every RIGHT one (see tests/test_mutants.py).
"""

WRONG: dict[str, dict[str, str]] = {}
RIGHT: dict[str, dict[str, str]] = {}


# ---- fit_markov_chain ----
WRONG["fit_markov_chain"] = {
    "normalises the whole count matrix, not each row": '''
def fit_markov_chain(sequences, n_states, alpha=0.0):
    init_counts = np.full(n_states, float(alpha))
    counts = np.full((n_states, n_states), float(alpha))
    for s in sequences:
        s = np.asarray(s, dtype=np.int64)
        init_counts[s[0]] += 1
        np.add.at(counts, (s[:-1], s[1:]), 1)
    return init_counts / init_counts.sum(), counts / counts.sum()
''',
    "concatenates the sequences (counts a transition across the boundary)": '''
def fit_markov_chain(sequences, n_states, alpha=0.0):
    seqs = [np.asarray(s, dtype=np.int64) for s in sequences]
    joined = np.concatenate(seqs)
    init_counts = np.full(n_states, float(alpha))
    for s in seqs:
        init_counts[s[0]] += 1
    counts = np.full((n_states, n_states), float(alpha))
    np.add.at(counts, (joined[:-1], joined[1:]), 1)
    rows = counts.sum(1, keepdims=True)
    trans = np.where(rows > 0, counts / np.where(rows > 0, rows, 1), 1.0 / n_states)
    return init_counts / init_counts.sum(), trans
''',
    "smooths the transitions but not the initial distribution": '''
def fit_markov_chain(sequences, n_states, alpha=0.0):
    init_counts = np.zeros(n_states)
    counts = np.full((n_states, n_states), float(alpha))
    for s in sequences:
        s = np.asarray(s, dtype=np.int64)
        init_counts[s[0]] += 1
        np.add.at(counts, (s[:-1], s[1:]), 1)
    rows = counts.sum(1, keepdims=True)
    trans = np.where(rows > 0, counts / np.where(rows > 0, rows, 1), 1.0 / n_states)
    return init_counts / init_counts.sum(), trans
''',
    "a never-left state keeps a NaN row (0/0)": '''
def fit_markov_chain(sequences, n_states, alpha=0.0):
    init_counts = np.full(n_states, float(alpha))
    counts = np.full((n_states, n_states), float(alpha))
    for s in sequences:
        s = np.asarray(s, dtype=np.int64)
        init_counts[s[0]] += 1
        np.add.at(counts, (s[:-1], s[1:]), 1)
    with np.errstate(invalid="ignore", divide="ignore"):
        trans = counts / counts.sum(1, keepdims=True)
    return init_counts / init_counts.sum(), trans
''',
    "init from the frequencies of all symbols, not the first ones": '''
def fit_markov_chain(sequences, n_states, alpha=0.0):
    init_counts = np.full(n_states, float(alpha))
    counts = np.full((n_states, n_states), float(alpha))
    for s in sequences:
        s = np.asarray(s, dtype=np.int64)
        np.add.at(init_counts, s, 1)
        np.add.at(counts, (s[:-1], s[1:]), 1)
    rows = counts.sum(1, keepdims=True)
    trans = np.where(rows > 0, counts / np.where(rows > 0, rows, 1), 1.0 / n_states)
    return init_counts / init_counts.sum(), trans
''',
    "transposed counts (trans[next, prev])": '''
def fit_markov_chain(sequences, n_states, alpha=0.0):
    init_counts = np.full(n_states, float(alpha))
    counts = np.full((n_states, n_states), float(alpha))
    for s in sequences:
        s = np.asarray(s, dtype=np.int64)
        init_counts[s[0]] += 1
        np.add.at(counts, (s[1:], s[:-1]), 1)
    rows = counts.sum(1, keepdims=True)
    trans = np.where(rows > 0, counts / np.where(rows > 0, rows, 1), 1.0 / n_states)
    return init_counts / init_counts.sum(), trans
''',
    "smoothing added to the denominator only once (n + alpha)": '''
def fit_markov_chain(sequences, n_states, alpha=0.0):
    init_counts = np.full(n_states, float(alpha))
    counts = np.full((n_states, n_states), float(alpha))
    n_seq = 0
    for s in sequences:
        s = np.asarray(s, dtype=np.int64)
        init_counts[s[0]] += 1
        n_seq += 1
        np.add.at(counts, (s[:-1], s[1:]), 1)
    rows = (counts - alpha).sum(1, keepdims=True) + alpha
    trans = np.where(rows > 0, counts / np.where(rows > 0, rows, 1), 1.0 / n_states)
    return init_counts / (n_seq + alpha), trans
''',
    "skips sequences of length 1 (no transition, so no first symbol either)": '''
def fit_markov_chain(sequences, n_states, alpha=0.0):
    init_counts = np.full(n_states, float(alpha))
    counts = np.full((n_states, n_states), float(alpha))
    for s in sequences:
        s = np.asarray(s, dtype=np.int64)
        if len(s) < 2:
            continue
        init_counts[s[0]] += 1
        np.add.at(counts, (s[:-1], s[1:]), 1)
    rows = counts.sum(1, keepdims=True)
    trans = np.where(rows > 0, counts / np.where(rows > 0, rows, 1), 1.0 / n_states)
    return init_counts / init_counts.sum(), trans
''',
}

RIGHT["fit_markov_chain"] = {
    "pair codes with bincount, np.divide with where": '''
def fit_markov_chain(sequences, n_states, alpha=0.0):
    firsts, pairs = [], []
    for seq in sequences:
        seq = np.asarray(seq).astype(int)
        firsts.append(seq[0])
        pairs.append(seq[:-1] * n_states + seq[1:])
    init = np.bincount(firsts, minlength=n_states) + alpha
    init = init / init.sum()
    pair_counts = np.bincount(np.concatenate(pairs).astype(int), minlength=n_states * n_states)
    counts = pair_counts.reshape(n_states, n_states) + alpha
    totals = counts.sum(axis=1, keepdims=True)
    uniform = np.full_like(counts, 1.0 / n_states)
    trans = np.divide(counts, totals, out=uniform, where=totals > 0)
    return init, trans
''',
    "plain loops": '''
def fit_markov_chain(sequences, n_states, alpha=0.0):
    init = [alpha] * n_states
    counts = [[alpha] * n_states for _ in range(n_states)]
    for seq in sequences:
        seq = [int(s) for s in seq]
        init[seq[0]] += 1
        for a, b in zip(seq, seq[1:]):
            counts[a][b] += 1
    total = sum(init)
    rows = []
    for row in counts:
        s = sum(row)
        rows.append([c / s for c in row] if s > 0 else [1.0 / n_states] * n_states)
    return np.array([c / total for c in init]), np.array(rows)
''',
}


# ---- markov_log_likelihood ----
WRONG["markov_log_likelihood"] = {
    "mean of the log-probabilities instead of their sum": '''
def markov_log_likelihood(seq, init, trans):
    seq = np.asarray(seq)
    with np.errstate(divide="ignore"):
        logs = np.r_[np.log(init[seq[0]]), np.log(trans[seq[:-1], seq[1:]])]
    return float(logs.mean())
''',
    "forgets the initial term": '''
def markov_log_likelihood(seq, init, trans):
    seq = np.asarray(seq)
    with np.errstate(divide="ignore"):
        return float(np.log(trans[seq[:-1], seq[1:]]).sum())
''',
    "log base 2": '''
def markov_log_likelihood(seq, init, trans):
    seq = np.asarray(seq)
    with np.errstate(divide="ignore"):
        return float(np.log2(init[seq[0]]) + np.log2(trans[seq[:-1], seq[1:]]).sum())
''',
    "transposed lookup trans[next, prev]": '''
def markov_log_likelihood(seq, init, trans):
    seq = np.asarray(seq)
    with np.errstate(divide="ignore"):
        return float(np.log(init[seq[0]]) + np.log(trans[seq[1:], seq[:-1]]).sum())
''',
    "log of the product (underflows on long sequences)": '''
def markov_log_likelihood(seq, init, trans):
    seq = np.asarray(seq)
    with np.errstate(divide="ignore"):
        return float(np.log(init[seq[0]] * np.prod(trans[seq[:-1], seq[1:]])))
''',
    "drops the last transition (off by one)": '''
def markov_log_likelihood(seq, init, trans):
    seq = list(seq)
    total = math.log(init[seq[0]])
    for t in range(1, len(seq) - 1):
        total += math.log(trans[seq[t - 1], seq[t]])
    return total
''',
    "clips probabilities instead of returning -inf": '''
def markov_log_likelihood(seq, init, trans):
    seq = np.asarray(seq)
    return float(np.log(max(init[seq[0]], 1e-12)) + np.log(np.maximum(trans[seq[:-1], seq[1:]], 1e-12)).sum())
''',
    "math.log of init[x_1] (raises on an impossible first symbol)": '''
def markov_log_likelihood(seq, init, trans):
    seq = np.asarray(seq)
    with np.errstate(divide="ignore"):
        return float(math.log(init[seq[0]]) + np.log(trans[seq[:-1], seq[1:]]).sum())
''',
}

RIGHT["markov_log_likelihood"] = {
    "loop with math.log and an explicit -inf": '''
def markov_log_likelihood(seq, init, trans):
    seq = [int(s) for s in seq]
    probs = [init[seq[0]]] + [trans[a, b] for a, b in zip(seq, seq[1:])]
    if min(probs) == 0:
        return -math.inf
    return sum(math.log(p) for p in probs)
''',
}


# ---- entropy_rate ----
WRONG["entropy_rate"] = {
    "log base 2 (bits)": '''
def entropy_rate(trans):
    trans = np.asarray(trans, dtype=float)
    n = len(trans)
    pi = np.linalg.lstsq(np.vstack([trans.T - np.eye(n), np.ones(n)]), np.r_[np.zeros(n), 1.0], rcond=None)[0]
    logs = np.log2(np.where(trans > 0, trans, 1.0))
    return float(-(pi[:, None] * trans * logs).sum())
''',
    "uniform average of the rows' entropies (forgets pi)": '''
def entropy_rate(trans):
    trans = np.asarray(trans, dtype=float)
    logs = np.log(np.where(trans > 0, trans, 1.0))
    return float(-(trans * logs).sum(1).mean())
''',
    "entropy of the stationary distribution H(pi)": '''
def entropy_rate(trans):
    trans = np.asarray(trans, dtype=float)
    n = len(trans)
    pi = np.linalg.lstsq(np.vstack([trans.T - np.eye(n), np.ones(n)]), np.r_[np.zeros(n), 1.0], rcond=None)[0]
    pi = pi[pi > 1e-12]
    return float(-(pi * np.log(pi)).sum())
''',
    "pi by power iteration from uniform (oscillates on periodic chains)": '''
def entropy_rate(trans):
    trans = np.asarray(trans, dtype=float)
    pi = np.full(len(trans), 1.0 / len(trans))
    for _ in range(1000):
        pi = pi @ trans
    logs = np.log(np.where(trans > 0, trans, 1.0))
    return float(-(pi[:, None] * trans * logs).sum())
''',
    "right eigenvector (eig of P instead of P^T)": '''
def entropy_rate(trans):
    trans = np.asarray(trans, dtype=float)
    values, vectors = np.linalg.eig(trans)
    pi = np.real(vectors[:, np.argmin(np.abs(values - 1))])
    pi = pi / pi.sum()
    logs = np.log(np.where(trans > 0, trans, 1.0))
    return float(-(pi[:, None] * trans * logs).sum())
''',
    "0 log 0 gives NaN": '''
def entropy_rate(trans):
    trans = np.asarray(trans, dtype=float)
    n = len(trans)
    pi = np.linalg.lstsq(np.vstack([trans.T - np.eye(n), np.ones(n)]), np.r_[np.zeros(n), 1.0], rcond=None)[0]
    with np.errstate(all="ignore"):
        return float(-(pi[:, None] * trans * np.log(trans)).sum())
''',
}

RIGHT["entropy_rate"] = {
    "power iteration on the lazy chain (P + I) / 2": '''
def entropy_rate(trans):
    trans = np.asarray(trans, dtype=float)
    lazy = 0.5 * (trans + np.eye(len(trans)))
    pi = np.full(len(trans), 1.0 / len(trans))
    for _ in range(5000):
        pi = pi @ lazy
    pi /= pi.sum()
    h = 0.0
    for i, row in enumerate(trans):
        for p in row:
            if p > 0:
                h -= pi[i] * p * math.log(p)
    return h
''',
    "eigenvector of P^T for the eigenvalue 1": '''
def entropy_rate(trans):
    trans = np.asarray(trans, dtype=float)
    values, vectors = np.linalg.eig(trans.T)
    pi = np.real(vectors[:, np.argmin(np.abs(values - 1.0))])
    pi = pi / pi.sum()
    plogp = np.zeros_like(trans)
    mask = trans > 0
    plogp[mask] = trans[mask] * np.log(trans[mask])
    return float(-pi @ plogp.sum(axis=1))
''',
}


# ---- RNNCell ----
WRONG["RNNCell"] = {
    "sigmoid instead of tanh": '''
class RNNCell(nn.Module):
    def __init__(self, input_size, hidden_size):
        super().__init__()
        self.input_size, self.hidden_size = input_size, hidden_size
        self.W_xh = nn.Linear(input_size, hidden_size)
        self.W_hh = nn.Linear(hidden_size, hidden_size, bias=False)

    def forward(self, x_t, h):
        return torch.sigmoid(self.W_xh(x_t) + self.W_hh(h))
''',
    "tanh applied twice (tanh of tanh)": '''
class RNNCell(nn.Module):
    def __init__(self, input_size, hidden_size):
        super().__init__()
        self.input_size, self.hidden_size = input_size, hidden_size
        self.W_xh = nn.Linear(input_size, hidden_size)
        self.W_hh = nn.Linear(hidden_size, hidden_size, bias=False)

    def forward(self, x_t, h):
        return torch.tanh(torch.tanh(self.W_xh(x_t) + self.W_hh(h)))
''',
    "wraps nn.RNNCell": '''
class RNNCell(nn.Module):
    def __init__(self, input_size, hidden_size):
        super().__init__()
        self.input_size, self.hidden_size = input_size, hidden_size
        self.rnn = nn.RNNCell(input_size, hidden_size, nonlinearity="tanh")

    def forward(self, x_t, h):
        return self.rnn(x_t, h)
''',
    "relu instead of tanh": '''
class RNNCell(nn.Module):
    def __init__(self, input_size, hidden_size):
        super().__init__()
        self.input_size, self.hidden_size = input_size, hidden_size
        self.W_xh = nn.Linear(input_size, hidden_size)
        self.W_hh = nn.Linear(hidden_size, hidden_size, bias=False)

    def forward(self, x_t, h):
        return torch.relu(self.W_xh(x_t) + self.W_hh(h))
''',
    "no recurrence (forgets W_hh h)": '''
class RNNCell(nn.Module):
    def __init__(self, input_size, hidden_size):
        super().__init__()
        self.input_size, self.hidden_size = input_size, hidden_size
        self.W_xh = nn.Linear(input_size, hidden_size)
        self.W_hh = nn.Linear(hidden_size, hidden_size, bias=False)

    def forward(self, x_t, h):
        return torch.tanh(self.W_xh(x_t))
''',
    "tanh of the input part only, then adds W_hh h": '''
class RNNCell(nn.Module):
    def __init__(self, input_size, hidden_size):
        super().__init__()
        self.input_size, self.hidden_size = input_size, hidden_size
        self.W_xh = nn.Linear(input_size, hidden_size)
        self.W_hh = nn.Linear(hidden_size, hidden_size, bias=False)

    def forward(self, x_t, h):
        return torch.tanh(self.W_xh(x_t)) + self.W_hh(h)
''',
    "weights as plain tensors (not parameters)": '''
class RNNCell(nn.Module):
    def __init__(self, input_size, hidden_size):
        super().__init__()
        self.input_size, self.hidden_size = input_size, hidden_size
        self.W_xh = torch.randn(hidden_size, input_size) / math.sqrt(input_size)
        self.W_hh = torch.randn(hidden_size, hidden_size) / math.sqrt(hidden_size)
        self.b_h = torch.zeros(hidden_size)

    def forward(self, x_t, h):
        return torch.tanh(x_t @ self.W_xh.T + h @ self.W_hh.T + self.b_h)
''',
    "no bias b_h": '''
class RNNCell(nn.Module):
    def __init__(self, input_size, hidden_size):
        super().__init__()
        self.input_size, self.hidden_size = input_size, hidden_size
        self.W_xh = nn.Linear(input_size, hidden_size, bias=False)
        self.W_hh = nn.Linear(hidden_size, hidden_size, bias=False)

    def forward(self, x_t, h):
        return torch.tanh(self.W_xh(x_t) + self.W_hh(h))
''',
}

RIGHT["RNNCell"] = {
    "one weight on the concatenation [x_t, h]": '''
class RNNCell(nn.Module):
    def __init__(self, input_size, hidden_size):
        super().__init__()
        self.input_size, self.hidden_size = input_size, hidden_size
        self.joint = nn.Linear(input_size + hidden_size, hidden_size)

    def forward(self, x_t, h):
        return torch.tanh(self.joint(torch.cat([x_t, h], dim=-1)))
''',
    "nn.Parameter tensors, zero bias init, one bias": '''
class RNNCell(nn.Module):
    def __init__(self, input_size, hidden_size):
        super().__init__()
        self.input_size, self.hidden_size = input_size, hidden_size
        self.w_in = nn.Parameter(torch.randn(input_size, hidden_size) / math.sqrt(input_size))
        self.w_rec = nn.Parameter(torch.randn(hidden_size, hidden_size) / math.sqrt(hidden_size))
        self.bias = nn.Parameter(torch.zeros(hidden_size))

    def forward(self, x_t, h):
        return torch.tanh(x_t @ self.w_in + h @ self.w_rec + self.bias)
''',
    "two biased Linear layers (b_h split in two)": '''
class RNNCell(nn.Module):
    def __init__(self, input_size, hidden_size):
        super().__init__()
        self.input_size, self.hidden_size = input_size, hidden_size
        self.ih = nn.Linear(input_size, hidden_size)
        self.hh = nn.Linear(hidden_size, hidden_size)

    def forward(self, x_t, h):
        return (self.ih(x_t) + self.hh(h)).tanh()
''',
}


# ---- CharRNN ----
WRONG["CharRNN"] = {
    "uses nn.RNN": '''
class CharRNN(nn.Module):
    def __init__(self, vocab_size, hidden_size):
        super().__init__()
        self.vocab_size, self.hidden_size = vocab_size, hidden_size
        self.cell = RNNCell(vocab_size, hidden_size)
        self.rnn = nn.RNN(vocab_size, hidden_size, batch_first=True)
        self.head = nn.Linear(hidden_size, vocab_size)

    def forward(self, tokens, h=None):
        x = F.one_hot(tokens, self.vocab_size).float()
        states, h_last = self.rnn(x, None if h is None else h[None])
        return self.head(states), h_last[0]
''',
    "logits from the state before reading token t (off by one)": '''
class CharRNN(nn.Module):
    def __init__(self, vocab_size, hidden_size):
        super().__init__()
        self.vocab_size, self.hidden_size = vocab_size, hidden_size
        self.cell = RNNCell(vocab_size, hidden_size)
        self.head = nn.Linear(hidden_size, vocab_size)

    def forward(self, tokens, h=None):
        if h is None:
            h = torch.zeros(tokens.shape[0], self.hidden_size)
        x = F.one_hot(tokens, self.vocab_size).float()
        outs = []
        for t in range(tokens.shape[1]):
            outs.append(self.head(h))
            h = self.cell(x[:, t], h)
        return torch.stack(outs, 1), h
''',
    "restarts from zeros at every step (no memory)": '''
class CharRNN(nn.Module):
    def __init__(self, vocab_size, hidden_size):
        super().__init__()
        self.vocab_size, self.hidden_size = vocab_size, hidden_size
        self.cell = RNNCell(vocab_size, hidden_size)
        self.head = nn.Linear(hidden_size, vocab_size)

    def forward(self, tokens, h=None):
        zeros = torch.zeros(tokens.shape[0], self.hidden_size)
        if h is None:
            h = zeros
        x = F.one_hot(tokens, self.vocab_size).float()
        states = [self.cell(x[:, t], h if t == 0 else zeros) for t in range(tokens.shape[1])]
        return self.head(torch.stack(states, 1)), states[-1]
''',
    "ignores the h argument": '''
class CharRNN(nn.Module):
    def __init__(self, vocab_size, hidden_size):
        super().__init__()
        self.vocab_size, self.hidden_size = vocab_size, hidden_size
        self.cell = RNNCell(vocab_size, hidden_size)
        self.head = nn.Linear(hidden_size, vocab_size)

    def forward(self, tokens, h=None):
        h = torch.zeros(tokens.shape[0], self.hidden_size)
        x = F.one_hot(tokens, self.vocab_size).float()
        states = []
        for t in range(tokens.shape[1]):
            h = self.cell(x[:, t], h)
            states.append(h)
        return self.head(torch.stack(states, 1)), h
''',
    "reads the sequence right to left (not causal)": '''
class CharRNN(nn.Module):
    def __init__(self, vocab_size, hidden_size):
        super().__init__()
        self.vocab_size, self.hidden_size = vocab_size, hidden_size
        self.cell = RNNCell(vocab_size, hidden_size)
        self.head = nn.Linear(hidden_size, vocab_size)

    def forward(self, tokens, h=None):
        if h is None:
            h = torch.zeros(tokens.shape[0], self.hidden_size)
        x = F.one_hot(tokens.flip(1), self.vocab_size).float()
        states = []
        for t in range(tokens.shape[1]):
            h = self.cell(x[:, t], h)
            states.append(h)
        return self.head(torch.stack(states, 1).flip(1)), h
''',
    "returns the first state as h_last": '''
class CharRNN(nn.Module):
    def __init__(self, vocab_size, hidden_size):
        super().__init__()
        self.vocab_size, self.hidden_size = vocab_size, hidden_size
        self.cell = RNNCell(vocab_size, hidden_size)
        self.head = nn.Linear(hidden_size, vocab_size)

    def forward(self, tokens, h=None):
        if h is None:
            h = torch.zeros(tokens.shape[0], self.hidden_size)
        x = F.one_hot(tokens, self.vocab_size).float()
        states = []
        for t in range(tokens.shape[1]):
            h = self.cell(x[:, t], h)
            states.append(h)
        return self.head(torch.stack(states, 1)), states[0]
''',
}

RIGHT["CharRNN"] = {
    "embedding + RNNCell, preallocated outputs": '''
class CharRNN(nn.Module):
    def __init__(self, vocab_size, hidden_size):
        super().__init__()
        self.vocab_size, self.hidden_size = vocab_size, hidden_size
        self.embed = nn.Embedding(vocab_size, 16)
        self.rnn_cell = RNNCell(16, hidden_size)
        self.to_logits = nn.Linear(hidden_size, vocab_size)

    def forward(self, tokens, h=None):
        batch, length = tokens.shape
        state = tokens.new_zeros((batch, self.hidden_size), dtype=torch.float32) if h is None else h
        outputs = torch.zeros(batch, length, self.hidden_size)
        emb = self.embed(tokens)
        for t in range(length):
            state = self.rnn_cell(emb[:, t, :], state)
            outputs[:, t] = state
        return self.to_logits(outputs), state
''',
}


# ---- teacher_forcing_loss ----
WRONG["teacher_forcing_loss"] = {
    "full sequence in, logits[:, 1:] against tokens[:, 1:] (predicts the token it reads)": '''
def teacher_forcing_loss(model, tokens):
    logits, _ = model(tokens)
    return F.cross_entropy(logits[:, 1:].reshape(-1, logits.shape[-1]), tokens[:, 1:].reshape(-1))
''',
    "not shifted (predicts the token it reads)": '''
def teacher_forcing_loss(model, tokens):
    logits, _ = model(tokens)
    return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), tokens.reshape(-1))
''',
    "shifted the wrong way (targets tokens[:, :-1])": '''
def teacher_forcing_loss(model, tokens):
    logits, _ = model(tokens[:, 1:])
    return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), tokens[:, :-1].reshape(-1))
''',
    "sum over time, mean over the batch (nats per sequence)": '''
def teacher_forcing_loss(model, tokens):
    logits, _ = model(tokens[:, :-1])
    loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), tokens[:, 1:].reshape(-1), reduction="sum")
    return loss / tokens.shape[0]
''',
    "nll_loss on raw logits (no log-softmax)": '''
def teacher_forcing_loss(model, tokens):
    logits, _ = model(tokens[:, :-1])
    return F.nll_loss(logits.reshape(-1, logits.shape[-1]), tokens[:, 1:].reshape(-1))
''',
    "bits instead of nats": '''
def teacher_forcing_loss(model, tokens):
    logits, _ = model(tokens[:, :-1])
    return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), tokens[:, 1:].reshape(-1)) / math.log(2)
''',
    "returns a float (.item(), no gradient)": '''
def teacher_forcing_loss(model, tokens):
    logits, _ = model(tokens[:, :-1])
    return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), tokens[:, 1:].reshape(-1)).item()
''',
}

RIGHT["teacher_forcing_loss"] = {
    "full sequence in, logits[:, :-1] against tokens[:, 1:], log_softmax and gather in float64": '''
def teacher_forcing_loss(model, tokens):
    logits, _ = model(tokens)
    log_probs = torch.log_softmax(logits[:, :-1].double(), dim=-1)
    picked = log_probs.gather(-1, tokens[:, 1:, None])[..., 0]
    return -picked.mean()
''',
    "full pass, log_softmax and gather": '''
def teacher_forcing_loss(model, tokens):
    logits, _ = model(tokens)
    logp = torch.log_softmax(logits[:, :-1], dim=-1)
    picked = logp.gather(-1, tokens[:, 1:].unsqueeze(-1)).squeeze(-1)
    return -picked.mean()
''',
}


# ---- sample_sequences ----
WRONG["sample_sequences"] = {
    "softmax over the batch dimension": '''
def sample_sequences(model, n, length, start_token, temperature=1.0, generator=None):
    out = torch.full((n, length), start_token, dtype=torch.long)
    h = None
    with torch.no_grad():
        for t in range(1, length):
            logits, h = model(out[:, t - 1 : t], h)
            probs = torch.softmax(logits[:, -1] / temperature, dim=0)
            out[:, t] = torch.multinomial(probs, 1, generator=generator)[:, 0]
    return out
''',
    "greedy (argmax) whatever the temperature": '''
def sample_sequences(model, n, length, start_token, temperature=1.0, generator=None):
    out = torch.full((n, length), start_token, dtype=torch.long)
    h = None
    with torch.no_grad():
        for t in range(1, length):
            logits, h = model(out[:, t - 1 : t], h)
            out[:, t] = logits[:, -1].argmax(-1)
    return out
''',
    "multiplies the logits by the temperature": '''
def sample_sequences(model, n, length, start_token, temperature=1.0, generator=None):
    out = torch.full((n, length), start_token, dtype=torch.long)
    h = None
    with torch.no_grad():
        for t in range(1, length):
            logits, h = model(out[:, t - 1 : t], h)
            probs = torch.softmax(logits[:, -1] * temperature, -1)
            out[:, t] = torch.multinomial(probs, 1, generator=generator)[:, 0]
    return out
''',
    "ignores the generator (global RNG)": '''
def sample_sequences(model, n, length, start_token, temperature=1.0, generator=None):
    out = torch.full((n, length), start_token, dtype=torch.long)
    h = None
    with torch.no_grad():
        for t in range(1, length):
            logits, h = model(out[:, t - 1 : t], h)
            probs = torch.softmax(logits[:, -1] / temperature, -1)
            out[:, t] = torch.multinomial(probs, 1)[:, 0]
    return out
''',
    "does not carry the hidden state": '''
def sample_sequences(model, n, length, start_token, temperature=1.0, generator=None):
    out = torch.full((n, length), start_token, dtype=torch.long)
    with torch.no_grad():
        for t in range(1, length):
            logits, _ = model(out[:, t - 1 : t])
            probs = torch.softmax(logits[:, -1] / temperature, -1)
            out[:, t] = torch.multinomial(probs, 1, generator=generator)[:, 0]
    return out
''',
    "re-reads the whole prefix but uses the first position's logits": '''
def sample_sequences(model, n, length, start_token, temperature=1.0, generator=None):
    out = torch.full((n, length), start_token, dtype=torch.long)
    with torch.no_grad():
        for t in range(1, length):
            logits, _ = model(out[:, :t])
            probs = torch.softmax(logits[:, 0] / temperature, -1)
            out[:, t] = torch.multinomial(probs, 1, generator=generator)[:, 0]
    return out
''',
    "temperature applied to the probabilities after softmax (no effect)": '''
def sample_sequences(model, n, length, start_token, temperature=1.0, generator=None):
    out = torch.full((n, length), start_token, dtype=torch.long)
    h = None
    with torch.no_grad():
        for t in range(1, length):
            logits, h = model(out[:, t - 1 : t], h)
            probs = torch.softmax(logits[:, -1], -1) / temperature
            out[:, t] = torch.multinomial(probs, 1, generator=generator)[:, 0]
    return out
''',
    "generates length new tokens after the start token (length + 1 columns)": '''
def sample_sequences(model, n, length, start_token, temperature=1.0, generator=None):
    out = torch.full((n, length + 1), start_token, dtype=torch.long)
    h = None
    with torch.no_grad():
        for t in range(1, length + 1):
            logits, h = model(out[:, t - 1 : t], h)
            probs = torch.softmax(logits[:, -1] / temperature, -1)
            out[:, t] = torch.multinomial(probs, 1, generator=generator)[:, 0]
    return out
''',
    "a fresh torch.Generator() when generator is None (torch.manual_seed has no effect)": '''
def sample_sequences(model, n, length, start_token, temperature=1.0, generator=None):
    generator = generator if generator is not None else torch.Generator()
    out = torch.full((n, length), start_token, dtype=torch.long)
    h = None
    with torch.no_grad():
        for t in range(1, length):
            logits, h = model(out[:, t - 1 : t], h)
            probs = torch.softmax(logits[:, -1] / temperature, -1)
            out[:, t] = torch.multinomial(probs, 1, generator=generator)[:, 0]
    return out
''',
    "temperature as a power of the probabilities (underflows to 0 at small temperatures)": '''
def sample_sequences(model, n, length, start_token, temperature=1.0, generator=None):
    out = torch.full((n, length), start_token, dtype=torch.long)
    h = None
    with torch.no_grad():
        for t in range(1, length):
            logits, h = model(out[:, t - 1 : t], h)
            probs = torch.softmax(logits[:, -1], -1) ** (1.0 / temperature)
            probs = probs / probs.sum(-1, keepdim=True)
            out[:, t] = torch.multinomial(probs, 1, generator=generator)[:, 0]
    return out
''',
}

RIGHT["sample_sequences"] = {
    "re-reads the whole prefix each step, Gumbel-max draws": '''
def sample_sequences(model, n, length, start_token, temperature=1.0, generator=None):
    out = torch.full((n, length), start_token, dtype=torch.long)
    with torch.no_grad():
        for t in range(1, length):
            logits, _ = model(out[:, :t])
            u = torch.rand(logits[:, -1].shape, generator=generator).clamp_min(1e-12)
            out[:, t] = (logits[:, -1] / temperature - torch.log(-torch.log(u))).argmax(-1)
    return out
''',
    "Gumbel-max trick with the generator": '''
def sample_sequences(model, n, length, start_token, temperature=1.0, generator=None):
    seqs = [torch.full((n,), start_token, dtype=torch.long)]
    state = None
    with torch.no_grad():
        for _ in range(length - 1):
            logits, state = model(seqs[-1][:, None], state)
            u = torch.rand(logits[:, -1].shape, generator=generator).clamp(1e-12, 1 - 1e-7)
            gumbel = -torch.log(-torch.log(u))
            seqs.append((logits[:, -1] / temperature + gumbel).argmax(-1))
    return torch.stack(seqs, dim=1)
''',
    "re-reads the whole prefix, no state": '''
def sample_sequences(model, n, length, start_token, temperature=1.0, generator=None):
    out = torch.full((n, 1), start_token, dtype=torch.long)
    for _ in range(length - 1):
        with torch.no_grad():
            logits, _ = model(out)
        probs = F.softmax(logits[:, -1].double() / temperature, dim=-1)
        nxt = torch.multinomial(probs, 1, replacement=True, generator=generator)
        out = torch.cat([out, nxt], dim=1)
    return out
''',
}
