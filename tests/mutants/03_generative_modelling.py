"""Wrong and right implementations of 03_generative_modelling's graded functions (see tests/test_mutants.py).

Each source replaces the whole answer cell. A WRONG one is a realistic mistake and must lose points;
a RIGHT one is correct but written differently from the solution and must keep all of them.
"""

WRONG: dict[str, dict[str, str]] = {}
RIGHT: dict[str, dict[str, str]] = {}


# ---- histogram_mle ----
WRONG["histogram_mle"] = {
    "counts_not_normalised": '''
def histogram_mle(x, n_bins):
    return np.bincount(np.asarray(x), minlength=n_bins).astype(float)
''',
    "no_minlength": '''
def histogram_mle(x, n_bins):
    x = np.asarray(x)
    return np.bincount(x) / len(x)
''',
    "np_histogram_density": '''
def histogram_mle(x, n_bins):
    return np.histogram(np.asarray(x), bins=n_bins, density=True)[0]
''',
    "laplace_smoothed": '''
def histogram_mle(x, n_bins):
    x = np.asarray(x)
    return (np.bincount(x, minlength=n_bins) + 1) / (len(x) + n_bins)
''',
    "divided_by_n_bins": '''
def histogram_mle(x, n_bins):
    return np.bincount(np.asarray(x), minlength=n_bins) / n_bins
''',
    "bins_from_the_data": '''
def histogram_mle(x, n_bins):
    x = np.asarray(x, dtype=np.int64)
    return np.bincount(x) / len(x)
''',
}

RIGHT["histogram_mle"] = {
    "unique_counts": '''
def histogram_mle(x, n_bins):
    values, counts = np.unique(np.asarray(x), return_counts=True)
    probs = np.zeros(n_bins)
    probs[values] = counts / counts.sum()
    return probs
''',
    "python_loop": '''
def histogram_mle(x, n_bins):
    counts = [0] * n_bins
    values = list(np.asarray(x).ravel())
    for v in values:
        counts[int(v)] += 1
    return np.array([c / len(values) for c in counts])
''',
}


# ---- average_nll ----
WRONG["average_nll"] = {
    "log2": '''
def average_nll(probs, x):
    probs = np.asarray(probs, dtype=float)
    with np.errstate(divide="ignore"):
        return float(-np.mean(np.log2(probs[np.asarray(x)])))
''',
    "sum_not_mean": '''
def average_nll(probs, x):
    probs = np.asarray(probs, dtype=float)
    with np.errstate(divide="ignore"):
        return float(-np.sum(np.log(probs[np.asarray(x)])))
''',
    "epsilon_clipping": '''
def average_nll(probs, x):
    probs = np.asarray(probs, dtype=float)
    return float(-np.mean(np.log(probs[np.asarray(x)] + 1e-12)))
''',
    "mean_over_bins_not_sample": '''
def average_nll(probs, x):
    probs = np.asarray(probs, dtype=float)
    counts = np.bincount(np.asarray(x), minlength=len(probs))
    with np.errstate(divide="ignore"):
        return float(-np.mean(np.log(probs[counts > 0])))
''',
    "positive_sign": '''
def average_nll(probs, x):
    probs = np.asarray(probs, dtype=float)
    with np.errstate(divide="ignore"):
        return float(np.mean(np.log(probs[np.asarray(x)])))
''',
    "clip_then_log": '''
def average_nll(probs, x):
    probs = np.clip(np.asarray(probs, dtype=float), 1e-12, 1.0)
    return float(-np.mean(np.log(probs[np.asarray(x, dtype=int)])))
''',
}

RIGHT["average_nll"] = {
    "via_counts_cross_entropy": '''
def average_nll(probs, x):
    probs = np.asarray(probs, dtype=float)
    counts = np.bincount(np.asarray(x), minlength=len(probs))
    seen = counts > 0
    if np.any(probs[seen] == 0):
        return float("inf")
    return float(-(counts[seen] * np.log(probs[seen])).sum() / counts.sum())
''',
    "torch_float32": '''
def average_nll(probs, x):
    p = torch.as_tensor(np.asarray(probs, dtype=float), dtype=torch.float32)
    idx = torch.as_tensor(np.asarray(x), dtype=torch.long)
    return float(-torch.log(p[idx]).mean())
''',
}


# ---- fit_histogram_sgd ----
WRONG["fit_histogram_sgd"] = {
    "forgot_the_log": '''
def fit_histogram_sgd(x, n_bins, n_steps=300, lr=0.1):
    x = torch.as_tensor(np.asarray(x), dtype=torch.long)
    logits = torch.zeros(n_bins, dtype=torch.float64, requires_grad=True)
    optimiser = torch.optim.Adam([logits], lr=lr)
    for _ in range(n_steps):
        loss = -torch.softmax(logits, dim=0)[x].mean()
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
    return torch.softmax(logits, dim=0).detach().numpy()
''',
    "maximises_the_nll": '''
def fit_histogram_sgd(x, n_bins, n_steps=300, lr=0.1):
    x = torch.as_tensor(np.asarray(x), dtype=torch.long)
    logits = torch.zeros(n_bins, dtype=torch.float64, requires_grad=True)
    optimiser = torch.optim.Adam([logits], lr=lr)
    for _ in range(n_steps):
        loss = torch.log_softmax(logits, dim=0)[x].mean()
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
    return torch.softmax(logits, dim=0).detach().numpy()
''',
    "returns_logits": '''
def fit_histogram_sgd(x, n_bins, n_steps=300, lr=0.1):
    x = torch.as_tensor(np.asarray(x), dtype=torch.long)
    logits = torch.zeros(n_bins, dtype=torch.float64, requires_grad=True)
    optimiser = torch.optim.Adam([logits], lr=lr)
    for _ in range(n_steps):
        loss = -torch.log_softmax(logits, dim=0)[x].mean()
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
    return logits.detach().numpy()
''',
    "returns_a_tensor": '''
def fit_histogram_sgd(x, n_bins, n_steps=300, lr=0.1):
    x = torch.as_tensor(np.asarray(x), dtype=torch.long)
    logits = torch.zeros(n_bins, dtype=torch.float64, requires_grad=True)
    optimiser = torch.optim.Adam([logits], lr=lr)
    for _ in range(n_steps):
        loss = -torch.log_softmax(logits, dim=0)[x].mean()
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
    return torch.softmax(logits, dim=0).detach()
''',
    "bins_from_the_data": '''
def fit_histogram_sgd(x, n_bins, n_steps=300, lr=0.1):
    x = torch.as_tensor(np.asarray(x), dtype=torch.long)
    logits = torch.zeros(int(x.max()) + 1, dtype=torch.float64, requires_grad=True)
    optimiser = torch.optim.Adam([logits], lr=lr)
    for _ in range(n_steps):
        loss = -torch.log_softmax(logits, dim=0)[x].mean()
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
    return torch.softmax(logits, dim=0).detach().numpy()
''',
}

RIGHT["fit_histogram_sgd"] = {
    "count_weighted_loss": '''
def fit_histogram_sgd(x, n_bins, n_steps=300, lr=0.1):
    freq = torch.bincount(torch.as_tensor(np.asarray(x)), minlength=n_bins).double()
    freq = freq / freq.sum()
    w = torch.nn.Parameter(torch.zeros(n_bins, dtype=torch.float64))
    opt = torch.optim.Adam([w], lr=lr)
    for _ in range(n_steps):
        opt.zero_grad()
        loss = torch.nn.functional.cross_entropy(w[None, :], freq[None, :])
        loss.backward()
        opt.step()
    with torch.no_grad():
        return torch.softmax(w, 0).numpy()
''',
}


# ---- mixture_log_prob ----
WRONG["mixture_log_prob"] = {
    "naive_log_sum_exp": '''
def mixture_log_prob(x, weights, means, stds):
    x = torch.as_tensor(x)
    weights, means, stds = (torch.as_tensor(v, dtype=x.dtype) for v in (weights, means, stds))
    z = (x[..., None] - means) / stds
    density = weights * torch.exp(-0.5 * z**2) / (stds * math.sqrt(2 * math.pi))
    return torch.log(density.sum(-1))
''',
    "stds_used_as_variances": '''
def mixture_log_prob(x, weights, means, stds):
    x = torch.as_tensor(x)
    weights, means, var = (torch.as_tensor(v, dtype=x.dtype) for v in (weights, means, stds))
    d = x[..., None] - means
    log_components = -0.5 * d**2 / var - 0.5 * torch.log(2 * math.pi * var)
    return torch.logsumexp(torch.log(weights) + log_components, dim=-1)
''',
    "weights_forgotten": '''
def mixture_log_prob(x, weights, means, stds):
    x = torch.as_tensor(x)
    means, stds = (torch.as_tensor(v, dtype=x.dtype) for v in (means, stds))
    z = (x[..., None] - means) / stds
    log_components = -0.5 * z**2 - torch.log(stds) - 0.5 * math.log(2 * math.pi)
    return torch.logsumexp(log_components, dim=-1)
''',
    "normalising_constant_forgotten": '''
def mixture_log_prob(x, weights, means, stds):
    x = torch.as_tensor(x)
    weights, means, stds = (torch.as_tensor(v, dtype=x.dtype) for v in (weights, means, stds))
    z = (x[..., None] - means) / stds
    return torch.logsumexp(torch.log(weights) - 0.5 * z**2 - torch.log(stds), dim=-1)
''',
    "max_instead_of_logsumexp": '''
def mixture_log_prob(x, weights, means, stds):
    x = torch.as_tensor(x)
    weights, means, stds = (torch.as_tensor(v, dtype=x.dtype) for v in (weights, means, stds))
    z = (x[..., None] - means) / stds
    log_components = -0.5 * z**2 - torch.log(stds) - 0.5 * math.log(2 * math.pi)
    return (torch.log(weights) + log_components).max(dim=-1).values
''',
    "weights_not_logged": '''
def mixture_log_prob(x, weights, means, stds):
    x = torch.as_tensor(x)
    weights, means, stds = (torch.as_tensor(v, dtype=x.dtype) for v in (weights, means, stds))
    z = (x[..., None] - means) / stds
    log_components = -0.5 * z**2 - torch.log(stds) - 0.5 * math.log(2 * math.pi)
    return torch.logsumexp(weights + log_components, dim=-1)
''',
}

RIGHT["mixture_log_prob"] = {
    "torch_distributions": '''
def mixture_log_prob(x, weights, means, stds):
    x = torch.as_tensor(x)
    weights, means, stds = (torch.as_tensor(v, dtype=x.dtype) for v in (weights, means, stds))
    mixture = torch.distributions.MixtureSameFamily(
        torch.distributions.Categorical(probs=weights), torch.distributions.Normal(means, stds)
    )
    return mixture.log_prob(x)
''',
    "manual_max_shift": '''
def mixture_log_prob(x, weights, means, stds):
    x = torch.as_tensor(x)
    weights, means, stds = (torch.as_tensor(v, dtype=x.dtype) for v in (weights, means, stds))
    a = torch.log(weights) - torch.log(stds * math.sqrt(2 * math.pi)) - (x.unsqueeze(-1) - means) ** 2 / (2 * stds**2)
    top = a.max(dim=-1, keepdim=True).values
    return (top + torch.log(torch.exp(a - top).sum(dim=-1, keepdim=True))).squeeze(-1)
''',
}


# ---- fit_forward_kl ----
WRONG["fit_forward_kl"] = {
    "unbiased_std": '''
def fit_forward_kl(samples):
    samples = np.asarray(samples, dtype=float)
    return float(samples.mean()), float(samples.std(ddof=1))
''',
    "variance_not_std": '''
def fit_forward_kl(samples):
    samples = np.asarray(samples, dtype=float)
    return float(samples.mean()), float(samples.var())
''',
    "not_centred": '''
def fit_forward_kl(samples):
    samples = np.asarray(samples, dtype=float)
    return float(samples.mean()), float(np.sqrt(np.mean(samples**2)))
''',
    "median_not_mean": '''
def fit_forward_kl(samples):
    samples = np.asarray(samples, dtype=float)
    return float(np.median(samples)), float(samples.std())
''',
    "returns_variance_and_ddof1": '''
def fit_forward_kl(samples):
    samples = np.asarray(samples, dtype=float)
    return float(samples.mean()), float(samples.var(ddof=1))
''',
}

RIGHT["fit_forward_kl"] = {
    "torch_moments": '''
def fit_forward_kl(samples):
    t = torch.as_tensor(np.asarray(samples, dtype=float))
    mu = t.mean()
    return mu.item(), torch.sqrt(((t - mu) ** 2).mean()).item()
''',
    "torch_float32": '''
def fit_forward_kl(samples):
    t = torch.as_tensor(np.asarray(samples, dtype=float), dtype=torch.float32)
    mu = t.mean()
    return mu.item(), torch.sqrt(((t - mu) ** 2).mean()).item()
''',
}


# ---- reverse_kl ----
WRONG["reverse_kl"] = {
    "detached_sample": '''
def reverse_kl(mu, log_sigma, log_p, n_samples, generator=None):
    eps = torch.randn(n_samples, generator=generator, dtype=mu.dtype)
    sigma = torch.exp(log_sigma)
    z = (mu + sigma * eps).detach()
    log_q = -0.5 * ((z - mu) / sigma) ** 2 - log_sigma - 0.5 * math.log(2 * math.pi)
    return (log_q - log_p(z)).mean()
''',
    "sample_not_rsample": '''
def reverse_kl(mu, log_sigma, log_p, n_samples, generator=None):
    q = torch.distributions.Normal(mu, torch.exp(log_sigma))
    z = q.sample((n_samples,))
    return (q.log_prob(z) - log_p(z)).mean()
''',
    "sign_error_log_p_minus_log_q": '''
def reverse_kl(mu, log_sigma, log_p, n_samples, generator=None):
    eps = torch.randn(n_samples, generator=generator, dtype=mu.dtype)
    sigma = torch.exp(log_sigma)
    z = mu + sigma * eps
    log_q = -0.5 * eps**2 - log_sigma - 0.5 * math.log(2 * math.pi)
    return (log_p(z) - log_q).mean()
''',
    "entropy_term_forgotten": '''
def reverse_kl(mu, log_sigma, log_p, n_samples, generator=None):
    eps = torch.randn(n_samples, generator=generator, dtype=mu.dtype)
    z = mu + torch.exp(log_sigma) * eps
    return -log_p(z).mean()
''',
    "log_sigma_used_as_sigma": '''
def reverse_kl(mu, log_sigma, log_p, n_samples, generator=None):
    eps = torch.randn(n_samples, generator=generator, dtype=mu.dtype)
    z = mu + log_sigma * eps
    log_q = -0.5 * ((z - mu) / torch.exp(log_sigma)) ** 2 - log_sigma - 0.5 * math.log(2 * math.pi)
    return (log_q - log_p(z)).mean()
''',
    "ignores_the_generator": '''
def reverse_kl(mu, log_sigma, log_p, n_samples, generator=None):
    eps = torch.randn(n_samples, dtype=mu.dtype)
    sigma = torch.exp(log_sigma)
    z = mu + sigma * eps
    log_q = -0.5 * eps**2 - log_sigma - 0.5 * math.log(2 * math.pi)
    return (log_q - log_p(z)).mean()
''',
    "forward_kl_by_mistake": '''
def reverse_kl(mu, log_sigma, log_p, n_samples, generator=None):
    eps = torch.randn(n_samples, generator=generator, dtype=mu.dtype)
    sigma = torch.exp(log_sigma)
    z = mu + sigma * eps
    log_q = -0.5 * ((z - mu) / sigma) ** 2 - log_sigma - 0.5 * math.log(2 * math.pi)
    return (torch.exp(log_p(z) - log_q) * (log_p(z) - log_q)).mean()
''',
}

RIGHT["reverse_kl"] = {
    "torch_distributions_with_own_eps": '''
def reverse_kl(mu, log_sigma, log_p, n_samples, generator=None):
    sigma = log_sigma.exp()
    eps = torch.randn((n_samples,), generator=generator, dtype=mu.dtype)
    z = mu + sigma * eps
    q = torch.distributions.Normal(mu, sigma)
    return torch.mean(q.log_prob(z) - log_p(z))
''',
    "analytic_entropy": '''
def reverse_kl(mu, log_sigma, log_p, n_samples, generator=None):
    eps = torch.randn(n_samples, generator=generator, dtype=mu.dtype)
    z = mu + torch.exp(log_sigma) * eps
    entropy_q = log_sigma + 0.5 * math.log(2 * math.pi * math.e)  # H(q) in closed form
    return -entropy_q - log_p(z).mean()
''',
    "float32_eps_promoted": '''
def reverse_kl(mu, log_sigma, log_p, n_samples, generator=None):
    eps = torch.randn(n_samples, generator=generator)
    z = mu + torch.exp(log_sigma) * eps
    log_q = torch.distributions.Normal(mu, torch.exp(log_sigma)).log_prob(z)
    return torch.mean(log_q - log_p(z))
''',
}


# ---- fit_reverse_kl ----
WRONG["fit_reverse_kl"] = {
    "returns_log_sigma": '''
def fit_reverse_kl(log_p, init_mu, n_steps=300, lr=0.05, generator=None):
    mu = torch.tensor(float(init_mu), requires_grad=True)
    log_sigma = torch.tensor(0.0, requires_grad=True)
    optimiser = torch.optim.Adam([mu, log_sigma], lr=lr)
    for _ in range(n_steps):
        loss = reverse_kl(mu, log_sigma, log_p, 256, generator=generator)
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
    return float(mu.detach()), float(log_sigma.detach())
''',
    "sigma_not_optimised": '''
def fit_reverse_kl(log_p, init_mu, n_steps=300, lr=0.05, generator=None):
    mu = torch.tensor(float(init_mu), requires_grad=True)
    log_sigma = torch.tensor(0.0)
    optimiser = torch.optim.Adam([mu], lr=lr)
    for _ in range(n_steps):
        loss = reverse_kl(mu, log_sigma, log_p, 256, generator=generator)
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
    return float(mu.detach()), float(torch.exp(log_sigma))
''',
    "maximises_the_kl": '''
def fit_reverse_kl(log_p, init_mu, n_steps=300, lr=0.05, generator=None):
    mu = torch.tensor(float(init_mu), requires_grad=True)
    log_sigma = torch.tensor(0.0, requires_grad=True)
    optimiser = torch.optim.Adam([mu, log_sigma], lr=lr)
    for _ in range(n_steps):
        loss = -reverse_kl(mu, log_sigma, log_p, 256, generator=generator)
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
    return float(mu.detach()), float(torch.exp(log_sigma.detach()))
''',
    "generator_not_passed_on": '''
def fit_reverse_kl(log_p, init_mu, n_steps=300, lr=0.05, generator=None):
    mu = torch.tensor(float(init_mu), requires_grad=True)
    log_sigma = torch.tensor(0.0, requires_grad=True)
    optimiser = torch.optim.Adam([mu, log_sigma], lr=lr)
    for _ in range(n_steps):
        loss = reverse_kl(mu, log_sigma, log_p, 256)
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
    return float(mu.detach()), float(torch.exp(log_sigma.detach()))
''',
    "too_few_steps": '''
def fit_reverse_kl(log_p, init_mu, n_steps=30, lr=0.01, generator=None):
    mu = torch.tensor(float(init_mu), requires_grad=True)
    log_sigma = torch.tensor(0.0, requires_grad=True)
    optimiser = torch.optim.Adam([mu, log_sigma], lr=lr)
    for _ in range(n_steps):
        loss = reverse_kl(mu, log_sigma, log_p, 256, generator=generator)
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
    return float(mu.detach()), float(torch.exp(log_sigma.detach()))
''',
}

RIGHT["fit_reverse_kl"] = {
    "more_samples_and_float64": '''
def fit_reverse_kl(log_p, init_mu, n_steps=300, lr=0.05, generator=None):
    params = torch.tensor([float(init_mu), 0.0], dtype=torch.float64, requires_grad=True)
    opt = torch.optim.Adam([params], lr=lr)
    for step in range(n_steps):
        opt.zero_grad()
        reverse_kl(params[0], params[1], log_p, 512, generator).backward()
        opt.step()
    mu, log_sigma = params.detach().tolist()
    return mu, math.exp(log_sigma)
''',
}


# ---- fit_bernoulli_naive_bayes ----
WRONG["fit_bernoulli_naive_bayes"] = {
    "smoothed_prior": '''
def fit_bernoulli_naive_bayes(x, y, n_classes, alpha=1.0):
    x, y = np.asarray(x, dtype=float), np.asarray(y)
    n_k = np.bincount(y, minlength=n_classes).astype(float)
    ones = np.stack([x[y == k].sum(0) for k in range(n_classes)])
    log_prior = np.log((n_k + alpha) / (len(y) + n_classes * alpha))
    theta = (ones + alpha) / (n_k[:, None] + 2 * alpha)
    return log_prior, theta
''',
    "alpha_once_in_denominator": '''
def fit_bernoulli_naive_bayes(x, y, n_classes, alpha=1.0):
    x, y = np.asarray(x, dtype=float), np.asarray(y)
    n_k = np.bincount(y, minlength=n_classes).astype(float)
    ones = np.stack([x[y == k].sum(0) for k in range(n_classes)])
    with np.errstate(divide="ignore", invalid="ignore"):
        log_prior = np.log(n_k / len(y))
        theta = (ones + alpha) / (n_k[:, None] + alpha)
    return log_prior, theta
''',
    "prior_not_logged": '''
def fit_bernoulli_naive_bayes(x, y, n_classes, alpha=1.0):
    x, y = np.asarray(x, dtype=float), np.asarray(y)
    n_k = np.bincount(y, minlength=n_classes).astype(float)
    ones = np.stack([x[y == k].sum(0) for k in range(n_classes)])
    with np.errstate(invalid="ignore"):
        theta = (ones + alpha) / (n_k[:, None] + 2 * alpha)
    return n_k / len(y), theta
''',
    "divides_by_all_images": '''
def fit_bernoulli_naive_bayes(x, y, n_classes, alpha=1.0):
    x, y = np.asarray(x, dtype=float), np.asarray(y)
    n_k = np.bincount(y, minlength=n_classes).astype(float)
    ones = np.stack([x[y == k].sum(0) for k in range(n_classes)])
    with np.errstate(divide="ignore"):
        log_prior = np.log(n_k / len(y))
    theta = (ones + alpha) / (len(y) + 2 * alpha)
    return log_prior, theta
''',
    "classes_from_the_labels": '''
def fit_bernoulli_naive_bayes(x, y, n_classes, alpha=1.0):
    x, y = np.asarray(x, dtype=float), np.asarray(y)
    classes = np.unique(y)
    n_k = np.array([np.sum(y == k) for k in classes], dtype=float)
    ones = np.stack([x[y == k].sum(0) for k in classes])
    return np.log(n_k / len(y)), (ones + alpha) / (n_k[:, None] + 2 * alpha)
''',
    "prior_from_alpha_smoothed_counts": '''
def fit_bernoulli_naive_bayes(x, y, n_classes, alpha=1.0):
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=np.int64)
    n_k = np.bincount(y, minlength=n_classes).astype(float)
    ones = np.stack([x[y == k].sum(0) for k in range(n_classes)])
    log_prior = np.log((n_k + alpha) / (len(y) + n_classes * alpha))
    return log_prior, (ones + alpha) / (n_k[:, None] + 2 * alpha)
''',
}

RIGHT["fit_bernoulli_naive_bayes"] = {
    "loop_over_classes": '''
def fit_bernoulli_naive_bayes(x, y, n_classes, alpha=1.0):
    x, y = np.asarray(x, dtype=float), np.asarray(y)
    log_prior = np.full(n_classes, -np.inf)
    theta = np.full((n_classes, x.shape[1]), np.nan)
    for k in range(n_classes):
        members = x[y == k]
        if len(members):
            log_prior[k] = np.log(len(members)) - np.log(len(x))
        if len(members) + alpha > 0:
            theta[k] = (members.sum(axis=0) + alpha) / (len(members) + 2 * alpha)
    return log_prior, theta
''',
}


# ---- naive_bayes_log_joint ----
WRONG["naive_bayes_log_joint"] = {
    "zeros_term_forgotten": '''
def naive_bayes_log_joint(x, log_prior, theta):
    x = np.asarray(x, dtype=float)
    with np.errstate(divide="ignore"):
        return np.asarray(log_prior)[None, :] + x @ np.log(theta).T
''',
    "prior_forgotten": '''
def naive_bayes_log_joint(x, log_prior, theta):
    x, theta = np.asarray(x), np.asarray(theta, dtype=float)
    with np.errstate(divide="ignore"):
        per_pixel = np.where(x[:, None, :] == 1, np.log(theta)[None], np.log1p(-theta)[None])
    return per_pixel.sum(-1)
''',
    "probabilities_not_logs": '''
def naive_bayes_log_joint(x, log_prior, theta):
    x, theta = np.asarray(x), np.asarray(theta, dtype=float)
    per_pixel = np.where(x[:, None, :] == 1, theta[None], 1 - theta[None])
    return np.asarray(log_prior)[None, :] + per_pixel.sum(-1)
''',
    "matmul_nan_at_0_and_1": '''
def naive_bayes_log_joint(x, log_prior, theta):
    x = np.asarray(x, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.asarray(log_prior)[None, :] + x @ np.log(theta).T + (1 - x) @ np.log(1 - theta).T
''',
    "transposed_k_by_n": '''
def naive_bayes_log_joint(x, log_prior, theta):
    x, theta = np.asarray(x), np.asarray(theta, dtype=float)
    with np.errstate(divide="ignore"):
        per_pixel = np.where(x[None, :, :] == 1, np.log(theta)[:, None], np.log1p(-theta)[:, None])
    return np.asarray(log_prior)[:, None] + per_pixel.sum(-1)
''',
}

RIGHT["naive_bayes_log_joint"] = {
    "xlogy": '''
def naive_bayes_log_joint(x, log_prior, theta):
    from scipy.special import xlog1py, xlogy
    x = np.asarray(x, dtype=float)[:, None, :]
    theta = np.asarray(theta, dtype=float)[None, :, :]
    return np.asarray(log_prior)[None, :] + (xlogy(x, theta) + xlog1py(1 - x, -theta)).sum(-1)
''',
    "matmul_with_safe_logs": '''
def naive_bayes_log_joint(x, log_prior, theta):
    x = np.asarray(x, dtype=float)
    theta = np.asarray(theta, dtype=float)
    with np.errstate(divide="ignore"):
        log_on, log_off = np.log(theta), np.log1p(-theta)
    on = np.where(np.isneginf(log_on), 0.0, log_on)
    off = np.where(np.isneginf(log_off), 0.0, log_off)
    out = np.asarray(log_prior, dtype=float)[None, :] + x @ on.T + (1 - x) @ off.T
    impossible = (x @ np.isneginf(log_on).T + (1 - x) @ np.isneginf(log_off).T) > 0
    return np.where(impossible, -np.inf, out)
''',
}


# ---- sample_naive_bayes ----
WRONG["sample_naive_bayes"] = {
    "inverted_comparison": '''
def sample_naive_bayes(theta, label, n, rng):
    theta = np.asarray(theta, dtype=float)
    return (rng.random((n, theta.shape[1])) > theta[label]).astype(np.uint8)
''',
    "ignores_the_rng": '''
def sample_naive_bayes(theta, label, n, rng):
    theta = np.asarray(theta, dtype=float)
    return (np.random.random((n, theta.shape[1])) < theta[label]).astype(np.uint8)
''',
    "mode_not_sample": '''
def sample_naive_bayes(theta, label, n, rng):
    theta = np.asarray(theta, dtype=float)
    return np.tile((theta[label] > 0.5).astype(np.uint8), (n, 1))
''',
    "probabilities_not_samples": '''
def sample_naive_bayes(theta, label, n, rng):
    theta = np.asarray(theta, dtype=float)
    return np.tile(theta[label], (n, 1))
''',
    "same_coin_for_every_pixel": '''
def sample_naive_bayes(theta, label, n, rng):
    theta = np.asarray(theta, dtype=float)
    u = rng.random((n, 1))
    return (u < theta[label][None, :]).astype(np.uint8)
''',
    "other_class": '''
def sample_naive_bayes(theta, label, n, rng):
    theta = np.asarray(theta, dtype=float)
    return (rng.random((n, theta.shape[1])) < theta[(label + 1) % len(theta)]).astype(np.uint8)
''',
}

RIGHT["sample_naive_bayes"] = {
    "binomial": '''
def sample_naive_bayes(theta, label, n, rng):
    p = np.asarray(theta, dtype=float)[label]
    return rng.binomial(1, p, size=(n, p.size))
''',
    "per_pixel_loop": '''
def sample_naive_bayes(theta, label, n, rng):
    theta = np.asarray(theta, dtype=float)
    out = np.zeros((n, theta.shape[1]), dtype=np.int64)
    u = rng.random((n, theta.shape[1]))
    for i in range(n):
        for d in range(theta.shape[1]):
            out[i, d] = 1 if u[i, d] < theta[label, d] else 0
    return out
''',
}
