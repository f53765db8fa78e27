"""Wrong and right implementations of the graded functions of 01_statistics (see tests/test_mutants.py).

Each source replaces the whole answer cell; the notebook's setup cell has imported math, numpy as np and torch.
WRONG: realistic mistakes that must lose points. RIGHT: correct answers written differently from the solution.
"""

WRONG: dict[str, dict[str, str]] = {}
RIGHT: dict[str, dict[str, str]] = {}


# ---- bernoulli_log_likelihood ----
WRONG["bernoulli_log_likelihood"] = {
    "log2": '''
def bernoulli_log_likelihood(x, theta):
    x = np.asarray(x, dtype=float)
    k, n = x.sum(), x.size
    with np.errstate(divide="ignore"):
        terms = [k * np.log2(theta) if k else 0.0, (n - k) * np.log2(1 - theta) if n - k else 0.0]
    return float(sum(terms))
''',
    "mean_not_sum": '''
def bernoulli_log_likelihood(x, theta):
    x = np.asarray(x, dtype=float)
    with np.errstate(divide="ignore"):
        logp = np.where(x == 1, np.log(theta), np.log(1 - theta))
    return float(np.mean(logp))
''',
    "naive_formula_nan_at_edges": '''
def bernoulli_log_likelihood(x, theta):
    x = np.asarray(x, dtype=float)
    return float(np.sum(x * np.log(theta) + (1 - x) * np.log(1 - theta)))
''',
    "log_of_product_underflows": '''
def bernoulli_log_likelihood(x, theta):
    x = np.asarray(x, dtype=float)
    with np.errstate(divide="ignore"):
        return float(np.log(np.prod(theta**x * (1 - theta) ** (1 - x))))
''',
    "theta_is_probability_of_zero": '''
def bernoulli_log_likelihood(x, theta):
    x = np.asarray(x, dtype=float)
    with np.errstate(divide="ignore"):
        logp = np.where(x == 0, np.log(theta), np.log(1 - theta))
    return float(np.sum(logp))
''',
    "zeros_term_forgotten": '''
def bernoulli_log_likelihood(x, theta):
    x = np.asarray(x, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return float(np.sum(x * np.log(theta)))
''',
    "negative_log_likelihood": '''
def bernoulli_log_likelihood(x, theta):
    x = np.asarray(x, dtype=float)
    with np.errstate(divide="ignore"):
        logp = np.where(x == 1, np.log(theta), np.log1p(-theta))
    return float(-np.sum(logp))
''',
}

RIGHT["bernoulli_log_likelihood"] = {
    "where_with_errstate": '''
def bernoulli_log_likelihood(x, theta):
    x = np.asarray(x)
    with np.errstate(divide="ignore"):
        per_point = np.where(x == 1, np.log(theta), np.log1p(-theta))
    return float(per_point.sum())
''',
    "scipy_xlogy": '''
from scipy.special import xlog1py, xlogy


def bernoulli_log_likelihood(x, theta):
    x = np.asarray(x, dtype=float)
    with np.errstate(divide="ignore"):
        return float(np.sum(xlogy(x, theta) + xlog1py(1 - x, -theta)))
''',
    "torch_float32": '''
def bernoulli_log_likelihood(x, theta):
    x = torch.as_tensor(np.asarray(x), dtype=torch.float32)
    k, n = x.sum(), x.numel()
    t = torch.tensor(theta, dtype=torch.float32)
    total = torch.tensor(0.0)
    if k > 0:
        total = total + k * torch.log(t)
    if n - k > 0:
        total = total + (n - k) * torch.log1p(-t)
    return float(total)
''',
    "python_loop": '''
def bernoulli_log_likelihood(x, theta):
    total = 0.0
    for xi in list(np.asarray(x).ravel()):
        p = theta if xi else 1.0 - theta
        if p == 0.0:
            return -math.inf
        total += math.log(p)
    return total
''',
}


# ---- gaussian_log_likelihood ----
WRONG["gaussian_log_likelihood"] = {
    "sigma_as_variance": '''
def gaussian_log_likelihood(x, mu, sigma):
    x = np.asarray(x, dtype=float)
    return float(np.sum(-0.5 * np.log(2 * np.pi * sigma) - (x - mu) ** 2 / (2 * sigma)))
''',
    "mean_not_sum": '''
def gaussian_log_likelihood(x, mu, sigma):
    x = np.asarray(x, dtype=float)
    return float(np.mean(-0.5 * np.log(2 * np.pi * sigma**2) - (x - mu) ** 2 / (2 * sigma**2)))
''',
    "log10": '''
def gaussian_log_likelihood(x, mu, sigma):
    x = np.asarray(x, dtype=float)
    density = np.exp(-((x - mu) ** 2) / (2 * sigma**2)) / np.sqrt(2 * np.pi * sigma**2)
    return float(np.sum(np.log10(density)))
''',
    "log_of_density_underflows": '''
def gaussian_log_likelihood(x, mu, sigma):
    x = np.asarray(x, dtype=float)
    density = np.exp(-((x - mu) ** 2) / (2 * sigma**2)) / np.sqrt(2 * np.pi * sigma**2)
    with np.errstate(divide="ignore"):
        return float(np.sum(np.log(density)))
''',
    "forgot_half_in_normaliser": '''
def gaussian_log_likelihood(x, mu, sigma):
    x = np.asarray(x, dtype=float)
    return float(np.sum(-np.log(2 * np.pi * sigma**2) - (x - mu) ** 2 / (2 * sigma**2)))
''',
    "log_sigma_term_forgotten": '''
def gaussian_log_likelihood(x, mu, sigma):
    x = np.asarray(x, dtype=float)
    return float(np.sum(-0.5 * np.log(2 * np.pi) - (x - mu) ** 2 / (2 * sigma**2)))
''',
    "quadratic_over_sigma_not_sigma_squared": '''
def gaussian_log_likelihood(x, mu, sigma):
    x = np.asarray(x, dtype=float)
    return float(np.sum(-0.5 * np.log(2 * np.pi * sigma**2) - (x - mu) ** 2 / (2 * sigma)))
''',
}

RIGHT["gaussian_log_likelihood"] = {
    "scipy_norm_logpdf": '''
from scipy.stats import norm


def gaussian_log_likelihood(x, mu, sigma):
    return float(np.sum(norm.logpdf(np.asarray(x, dtype=float), loc=mu, scale=sigma)))
''',
    "torch_normal": '''
def gaussian_log_likelihood(x, mu, sigma):
    x = torch.as_tensor(np.asarray(x, dtype=np.float64))
    normal = torch.distributions.Normal(torch.tensor(float(mu), dtype=torch.float64),
                                        torch.tensor(float(sigma), dtype=torch.float64))
    return normal.log_prob(x).sum().item()
''',
    "torch_float32_default": '''
def gaussian_log_likelihood(x, mu, sigma):
    x = torch.tensor(np.asarray(x, dtype=float), dtype=torch.float32)
    return torch.distributions.Normal(float(mu), float(sigma)).log_prob(x).sum().item()
''',
    "python_loop_math": '''
def gaussian_log_likelihood(x, mu, sigma):
    total = 0.0
    for xi in np.asarray(x, dtype=float).tolist():
        total += -math.log(sigma) - 0.5 * math.log(2 * math.pi) - (xi - mu) ** 2 / (2 * sigma * sigma)
    return total
''',
}


# ---- gaussian_mle ----
WRONG["gaussian_mle"] = {
    "unbiased_ddof1": '''
def gaussian_mle(x):
    x = np.asarray(x, dtype=float)
    return float(x.mean()), float(x.std(ddof=1))
''',
    "returns_variance": '''
def gaussian_mle(x):
    x = np.asarray(x, dtype=float)
    return float(x.mean()), float(x.var())
''',
    "median_for_mu": '''
def gaussian_mle(x):
    x = np.asarray(x, dtype=float)
    return float(np.median(x)), float(x.std())
''',
    "returns_array_not_tuple": '''
def gaussian_mle(x):
    x = np.asarray(x, dtype=float)
    return np.array([x.mean(), x.std()])
''',
    "mean_absolute_deviation": '''
def gaussian_mle(x):
    x = np.asarray(x, dtype=float)
    return float(x.mean()), float(np.mean(np.abs(x - x.mean())))
''',
}

RIGHT["gaussian_mle"] = {
    "statistics_module": '''
import statistics


def gaussian_mle(x):
    values = [float(v) for v in np.asarray(x, dtype=float)]
    return statistics.fmean(values), statistics.pstdev(values)
''',
    "sums_by_hand": '''
def gaussian_mle(x):
    x = np.asarray(x, dtype=float)
    n = len(x)
    mu = x.sum() / n
    sigma = math.sqrt(((x - mu) ** 2).sum() / n)
    return (float(mu), sigma)
''',
    "torch_float32": '''
def gaussian_mle(x):
    t = torch.as_tensor(np.asarray(x, dtype=float), dtype=torch.float32)
    return t.mean().item(), t.std(unbiased=False).item()
''',
}


# ---- fit_gaussian_gradient_ascent ----
WRONG["fit_gaussian_gradient_ascent"] = {
    "minimises_instead_of_maximising": '''
def fit_gaussian_gradient_ascent(x, n_steps=500, lr=0.1):
    x = torch.as_tensor(np.asarray(x, dtype=np.float64))
    mu = torch.zeros((), dtype=torch.float64, requires_grad=True)
    log_sigma = torch.zeros((), dtype=torch.float64, requires_grad=True)
    optimiser = torch.optim.Adam([mu, log_sigma], lr=lr)
    for _ in range(n_steps):
        optimiser.zero_grad()
        torch.distributions.Normal(mu, log_sigma.exp()).log_prob(x).mean().backward()
        optimiser.step()
    return float(mu.detach()), float(log_sigma.detach().exp())
''',
    "returns_tensors": '''
def fit_gaussian_gradient_ascent(x, n_steps=500, lr=0.1):
    x = torch.as_tensor(np.asarray(x, dtype=np.float64))
    mu = torch.zeros((), dtype=torch.float64, requires_grad=True)
    log_sigma = torch.zeros((), dtype=torch.float64, requires_grad=True)
    optimiser = torch.optim.Adam([mu, log_sigma], lr=lr)
    for _ in range(n_steps):
        optimiser.zero_grad()
        (-torch.distributions.Normal(mu, log_sigma.exp()).log_prob(x).mean()).backward()
        optimiser.step()
    return mu.detach(), log_sigma.detach().exp()
''',
    "returns_log_sigma": '''
def fit_gaussian_gradient_ascent(x, n_steps=500, lr=0.1):
    x = torch.as_tensor(np.asarray(x, dtype=np.float64))
    mu = torch.zeros((), dtype=torch.float64, requires_grad=True)
    log_sigma = torch.zeros((), dtype=torch.float64, requires_grad=True)
    optimiser = torch.optim.Adam([mu, log_sigma], lr=lr)
    for _ in range(n_steps):
        optimiser.zero_grad()
        (-torch.distributions.Normal(mu, log_sigma.exp()).log_prob(x).mean()).backward()
        optimiser.step()
    return float(mu), float(log_sigma)
''',
    "too_few_default_steps": '''
def fit_gaussian_gradient_ascent(x, n_steps=30, lr=0.1):
    x = torch.as_tensor(np.asarray(x, dtype=np.float64))
    mu = torch.zeros((), dtype=torch.float64, requires_grad=True)
    log_sigma = torch.zeros((), dtype=torch.float64, requires_grad=True)
    optimiser = torch.optim.Adam([mu, log_sigma], lr=lr)
    for _ in range(n_steps):
        optimiser.zero_grad()
        (-torch.distributions.Normal(mu, log_sigma.exp()).log_prob(x).mean()).backward()
        optimiser.step()
    return float(mu), float(log_sigma.exp())
''',
    "returns_variance": '''
def fit_gaussian_gradient_ascent(x, n_steps=500, lr=0.1):
    x = torch.as_tensor(np.asarray(x, dtype=np.float64))
    mu = torch.zeros((), dtype=torch.float64, requires_grad=True)
    log_sigma = torch.zeros((), dtype=torch.float64, requires_grad=True)
    optimiser = torch.optim.Adam([mu, log_sigma], lr=lr, maximize=True)
    for _ in range(n_steps):
        optimiser.zero_grad()
        torch.distributions.Normal(mu, log_sigma.exp()).log_prob(x).mean().backward()
        optimiser.step()
    return float(mu), float(torch.exp(2 * log_sigma))
''',
    "closed_form_ignores_the_steps": '''
def fit_gaussian_gradient_ascent(x, n_steps=500, lr=0.1):
    x = np.asarray(x, dtype=float)
    return float(x.mean()), float(x.std())
''',
    "starts_at_the_sample_mean": '''
def fit_gaussian_gradient_ascent(x, n_steps=500, lr=0.1):
    x = torch.as_tensor(np.asarray(x, dtype=np.float64))
    mu = x.mean().clone().requires_grad_(True)
    log_sigma = torch.log(x.std(unbiased=False)).clone().requires_grad_(True)
    optimiser = torch.optim.Adam([mu, log_sigma], lr=lr, maximize=True)
    for _ in range(n_steps):
        optimiser.zero_grad()
        torch.distributions.Normal(mu, log_sigma.exp()).log_prob(x).mean().backward()
        optimiser.step()
    return float(mu.detach()), float(log_sigma.detach().exp())
''',
}

RIGHT["fit_gaussian_gradient_ascent"] = {
    "manual_steps_with_autograd": '''
def fit_gaussian_gradient_ascent(x, n_steps=3000, lr=0.1):
    x = torch.tensor(np.asarray(x, dtype=np.float64))
    mu = torch.tensor(0.0, dtype=torch.float64, requires_grad=True)
    log_sigma = torch.tensor(0.0, dtype=torch.float64, requires_grad=True)
    for _ in range(n_steps):
        sigma = torch.exp(log_sigma)
        mean_ll = torch.mean(-torch.log(sigma) - 0.5 * math.log(2 * math.pi) - (x - mu) ** 2 / (2 * sigma**2))
        grad_mu, grad_log_sigma = torch.autograd.grad(mean_ll, [mu, log_sigma])
        with torch.no_grad():
            mu += lr * grad_mu
            log_sigma += lr * grad_log_sigma
    return mu.item(), torch.exp(log_sigma).item()
''',
    "adam_on_nll_float32": '''
def fit_gaussian_gradient_ascent(x, n_steps=1000, lr=0.05):
    x = torch.tensor(np.asarray(x), dtype=torch.float32)
    params = torch.zeros(2, requires_grad=True)
    optimiser = torch.optim.Adam([params], lr=lr)
    for _ in range(n_steps):
        mu, log_sigma = params[0], params[1]
        nll = torch.mean(log_sigma + 0.5 * ((x - mu) / torch.exp(log_sigma)) ** 2)
        optimiser.zero_grad()
        nll.backward()
        optimiser.step()
    return float(params[0]), float(torch.exp(params[1]))
''',
}


# ---- log_mean_exp ----
WRONG["log_mean_exp"] = {
    "naive_overflows": '''
def log_mean_exp(a):
    a = np.asarray(a, dtype=float)
    with np.errstate(over="ignore", divide="ignore"):
        return float(np.log(np.mean(np.exp(a))))
''',
    "log_sum_exp_without_mean": '''
def log_mean_exp(a):
    a = np.asarray(a, dtype=float)
    m = np.max(a)
    if m == -np.inf:
        return -math.inf
    return float(m + np.log(np.sum(np.exp(a - m))))
''',
    "max_shift_nan_for_all_minus_inf": '''
def log_mean_exp(a):
    a = np.asarray(a, dtype=float)
    m = np.max(a)
    with np.errstate(invalid="ignore"):
        return float(m + np.log(np.mean(np.exp(a - m))))
''',
    "shift_by_mean_not_max": '''
def log_mean_exp(a):
    a = np.asarray(a, dtype=float)
    m = np.mean(a[np.isfinite(a)]) if np.isfinite(a).any() else -np.inf
    if m == -np.inf:
        return -math.inf
    with np.errstate(over="ignore", divide="ignore"):
        return float(m + np.log(np.mean(np.exp(a - m))))
''',
    "mean_of_logs_jensen_mixup": '''
def log_mean_exp(a):
    return float(np.mean(np.asarray(a, dtype=float)))
''',
    "drops_minus_inf_entries": '''
def log_mean_exp(a):
    a = np.asarray(a, dtype=float)
    a = a[np.isfinite(a)]
    if a.size == 0:
        return -math.inf
    m = np.max(a)
    return float(m + np.log(np.mean(np.exp(a - m))))
''',
}

RIGHT["log_mean_exp"] = {
    "scipy_logsumexp": '''
from scipy.special import logsumexp


def log_mean_exp(a):
    a = np.asarray(a, dtype=float)
    return float(logsumexp(a) - np.log(a.size))
''',
    "torch_logsumexp": '''
def log_mean_exp(a):
    t = torch.as_tensor(np.asarray(a, dtype=np.float64))
    return (torch.logsumexp(t, dim=0) - math.log(t.numel())).item()
''',
    "torch_float32": '''
def log_mean_exp(a):
    t = torch.as_tensor(np.asarray(a, dtype=float), dtype=torch.float32)
    return (torch.logsumexp(t, dim=0) - math.log(t.numel())).item()
''',
    "python_loop": '''
def log_mean_exp(a):
    values = [float(v) for v in np.asarray(a, dtype=float).ravel()]
    m = max(values)
    if m == -math.inf:
        return -math.inf
    return m + math.log(sum(math.exp(v - m) for v in values) / len(values))
''',
}


# ---- mc_estimate_pi ----
WRONG["mc_estimate_pi"] = {
    "missing_factor_4": '''
def mc_estimate_pi(n_samples, rng):
    points = rng.uniform(-1.0, 1.0, size=(n_samples, 2))
    return float(np.mean(np.sum(points**2, axis=1) <= 1.0))
''',
    "ignores_rng_global_numpy": '''
def mc_estimate_pi(n_samples, rng):
    points = np.random.uniform(-1.0, 1.0, size=(n_samples, 2))
    return float(4.0 * np.mean(np.sum(points**2, axis=1) <= 1.0))
''',
    "fixed_seed_inside": '''
def mc_estimate_pi(n_samples, rng):
    rng = np.random.default_rng(0)
    points = rng.uniform(-1.0, 1.0, size=(n_samples, 2))
    return float(4.0 * np.mean(np.sum(points**2, axis=1) <= 1.0))
''',
    "inside_over_outside": '''
def mc_estimate_pi(n_samples, rng):
    points = rng.uniform(-1.0, 1.0, size=(n_samples, 2))
    inside = int(np.sum(np.sum(points**2, axis=1) <= 1.0))
    return float(4.0 * inside / max(n_samples - inside, 1))
''',
    "normal_instead_of_uniform": '''
def mc_estimate_pi(n_samples, rng):
    points = rng.normal(size=(n_samples, 2))
    return float(4.0 * np.mean(np.sum(points**2, axis=1) <= 1.0))
''',
    "radius_squared_confused": '''
def mc_estimate_pi(n_samples, rng):
    points = rng.uniform(0.0, 1.0, size=(n_samples, 2))
    inside = np.sum((points - 0.5) ** 2, axis=1) <= 0.5
    return float(4.0 * inside.mean())
''',
}

RIGHT["mc_estimate_pi"] = {
    "quarter_circle_count": '''
def mc_estimate_pi(n_samples, rng):
    x = rng.random(n_samples)
    y = rng.random(n_samples)
    hits = np.count_nonzero(np.hypot(x, y) <= 1.0)
    return 4.0 * hits / n_samples
''',
    "rng_random_scaled": '''
def mc_estimate_pi(n_samples, rng):
    xy = 2.0 * rng.random((n_samples, 2)) - 1.0
    return 4.0 * float(np.count_nonzero(xy[:, 0] ** 2 + xy[:, 1] ** 2 < 1.0)) / n_samples
''',
}


# ---- mc_expectation ----
WRONG["mc_expectation"] = {
    "standard_error_ddof0": '''
def mc_expectation(f, sampler, n_samples, rng):
    values = np.asarray(f(sampler(n_samples, rng)), dtype=float)
    return float(values.mean()), float(values.std() / np.sqrt(n_samples))
''',
    "standard_error_without_sqrt_n": '''
def mc_expectation(f, sampler, n_samples, rng):
    values = np.asarray(f(sampler(n_samples, rng)), dtype=float)
    return float(values.mean()), float(values.std(ddof=1))
''',
    "divides_by_n_not_sqrt_n": '''
def mc_expectation(f, sampler, n_samples, rng):
    values = np.asarray(f(sampler(n_samples, rng)), dtype=float)
    return float(values.mean()), float(values.std(ddof=1) / n_samples)
''',
    "variance_not_std": '''
def mc_expectation(f, sampler, n_samples, rng):
    values = np.asarray(f(sampler(n_samples, rng)), dtype=float)
    return float(values.mean()), float(values.var(ddof=1) / np.sqrt(n_samples))
''',
    "ignores_rng": '''
def mc_expectation(f, sampler, n_samples, rng):
    values = np.asarray(f(sampler(n_samples, np.random.default_rng())), dtype=float)
    return float(values.mean()), float(values.std(ddof=1) / np.sqrt(n_samples))
''',
    "forgets_f": '''
def mc_expectation(f, sampler, n_samples, rng):
    values = np.asarray(sampler(n_samples, rng), dtype=float)
    return float(values.mean()), float(values.std(ddof=1) / np.sqrt(n_samples))
''',
    "f_of_the_mean": '''
def mc_expectation(f, sampler, n_samples, rng):
    samples = np.asarray(sampler(n_samples, rng), dtype=float)
    values = np.asarray(f(samples), dtype=float)
    return float(f(samples.mean(axis=0))), float(values.std(ddof=1) / np.sqrt(n_samples))
''',
}

RIGHT["mc_expectation"] = {
    "by_hand": '''
def mc_expectation(f, sampler, n_samples, rng):
    samples = sampler(n_samples, rng)
    values = np.array(f(samples), dtype=float).reshape(-1)
    n = values.size
    mean = values.sum() / n
    variance = ((values - mean) ** 2).sum() / (n - 1)
    return float(mean), math.sqrt(variance / n)
''',
    "statistics_module": '''
import statistics


def mc_expectation(f, sampler, n_samples, rng):
    values = [float(v) for v in np.asarray(f(sampler(n_samples, rng))).ravel()]
    return statistics.fmean(values), statistics.stdev(values) / math.sqrt(n_samples)
''',
}
