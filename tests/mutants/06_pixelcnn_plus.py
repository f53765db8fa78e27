"""Wrong and right implementations of the graded cells of 06_pixelcnn_plus (see tests/test_mutants.py).

Each source replaces a whole answer cell; it may use the setup cell's names (math, np, torch, nn, F)
and the given cells before it (causal_mask, MaskedConv2d, categorical_nll, ...).
"""

# The categorical PixelCNN's reference layers with one change each.
_CATEGORICAL = '''
class CategoricalPixelCNN(nn.Module):
    def __init__(self, n_levels, n_layers=4, hidden_channels=32, kernel_size=7):
        super().__init__()
        self.n_levels = n_levels{override}
        layers = [MaskedConv2d(1, hidden_channels, kernel_size, "{first}"), nn.ReLU()]
        for _ in range({n_later}):
            layers += [MaskedConv2d(hidden_channels, hidden_channels, {later_k}, "{later}"), nn.ReLU()]
        layers.append({head})
        self.net = nn.Sequential(*layers)

    def forward(self, x):
        return self.net({scaled})
'''


def _categorical(first="A", later="B", head="nn.Conv2d(hidden_channels, n_levels, kernel_size=1)",
                 scaled="2 * x.float() / (self.n_levels - 1) - 1", later_k="3", n_later="n_layers - 1", override=""):
    return _CATEGORICAL.format(first=first, later=later, head=head, scaled=scaled, later_k=later_k, n_later=n_later,
                               override=override)


# The discretised logistic mixture, reference structure (the exact identity for the inner bins), with one change each.
_DLM = '''
def discretized_logistic_mixture_log_prob(x, logit_weights, means, log_scales, n_levels):
    x = x.float()
    half = {half}
    centred = {centre} - means
    inv_scales = {inv_scales}
    plus_in, minus_in = inv_scales * (centred + half), inv_scales * (centred - half)
    log_cdf_plus = {log_cdf_plus}
    log_one_minus_cdf_minus = {log_one_minus}
    mass = torch.sigmoid(plus_in) - torch.sigmoid(minus_in)
    mid_in = inv_scales * centred
    log_pdf_mid = mid_in - log_scales - 2 * F.softplus(mid_in)
    log_inner = {log_inner}
    log_probs = {edges}
    return {mix}
'''
_DLM_DEFAULTS = {
    "half": "1.0 / (n_levels - 1)",
    "centre": "(2 * x / (n_levels - 1) - 1)",
    "inv_scales": "torch.exp(-log_scales)",
    "log_cdf_plus": "F.logsigmoid(plus_in)",
    "log_one_minus": "F.logsigmoid(-minus_in)",
    "log_inner": "F.logsigmoid(plus_in) + F.logsigmoid(-minus_in) + torch.log(-torch.expm1(minus_in - plus_in))",
    "edges": "torch.where(x == 0, log_cdf_plus, torch.where(x == n_levels - 1, log_one_minus_cdf_minus, log_inner))",
    "mix": "torch.logsumexp(log_probs + F.log_softmax(logit_weights, dim=1), dim=1, keepdim=True)",
}


def _dlm(**changes):
    return _DLM.format(**{**_DLM_DEFAULTS, **changes})


# The conditional Gated PixelCNN, reference structure, with one change each.
_CONDITIONAL = '''
class ConditionalGatedPixelCNN(nn.Module):
    def __init__(self, n_classes, n_levels=17, n_layers=5, hidden_channels=16, kernel_size=3):
        super().__init__()
        k, c = {k_value}, hidden_channels
        self.kernel_size, self.n_levels = k, n_levels
        self.v_convs, self.h_convs = nn.ModuleList(), nn.ModuleList()
        self.v_to_h, self.h_out = nn.ModuleList(), nn.ModuleList()
        self.v_class, self.h_class = nn.ModuleList(), nn.ModuleList()
        for i in range(n_layers):
            c_in = 1 if i == 0 else c
            self.v_convs.append(nn.Conv2d(c_in, 2 * c, (k // 2 + 1, k)))
            self.h_convs.append(nn.Conv2d(c_in, 2 * c, (1, {first_h_width} if i == 0 else k // 2 + 1)))
            self.v_to_h.append(nn.Conv2d(2 * c, 2 * c, 1))
            self.h_out.append(nn.Conv2d(c, c, 1))
            if {class_layer}:
                self.v_class.append(nn.Embedding(n_classes, 2 * c))
                self.h_class.append(nn.Embedding(n_classes, 2 * c))
        self.out = nn.Conv2d(c, n_levels, 1)

    def forward(self, x, y):
        k, width = self.kernel_size, x.shape[-1]

        def gate(a):
            a_f, a_g = a.chunk(2, dim=1)
            return torch.tanh(a_f) * torch.sigmoid(a_g)

        v = h = 2 * x.float() / (self.n_levels - 1) - 1
        for i in range(len(self.v_convs)):
            a_v = self.v_convs[i](F.pad(v, (k // 2, k // 2, k // 2, 0)))
            a_v_above = {shift}
            a_h = self.h_convs[i](F.pad(h, (k // 2, 0)))[..., :width] + self.v_to_h[i](a_v_above)
            if i < len(self.v_class):
                a_v = a_v + self.v_class[i](y)[:, :, None, None]
                a_h = a_h + {h_bias}
            h_new = self.h_out[i](gate(a_h))
            v, h = gate(a_v), (h_new if i == 0 else h + h_new)
        return self.out(F.relu(h))
'''
_CONDITIONAL_DEFAULTS = {
    "first_h_width": "k // 2",
    "class_layer": "True",
    "shift": "F.pad(a_v, (0, 0, 1, 0))[:, :, :-1]",
    "h_bias": "self.h_class[i](y)[:, :, None, None]",
    "k_value": "kernel_size",
}


def _conditional(**changes):
    return _CONDITIONAL.format(**{**_CONDITIONAL_DEFAULTS, **changes})


# complete(), reference structure, with one change each.
_COMPLETE = '''
def complete(model, x, n_known_rows, y=None, generator=None):
    out = {copy}
    height, width = out.shape[-2:]
    with torch.no_grad():
        for row in range({first_row}, height):
            for col in range(width):
                logits = {call}
                probs = torch.softmax(logits[:, :, row, col], dim={dim})
                out[:, 0, row, col] = {draw}
    return out
'''
_COMPLETE_DEFAULTS = {
    "copy": "x.clone().long()",
    "first_row": "n_known_rows",
    "call": "model(out) if y is None else model(out, y)",
    "dim": "1",
    "draw": "torch.multinomial(probs, 1, generator=generator)[:, 0]",
}


def _complete(**changes):
    return _COMPLETE.format(**{**_COMPLETE_DEFAULTS, **changes})


WRONG: dict[str, dict[str, str]] = {}
RIGHT: dict[str, dict[str, str]] = {}


# ---- CategoricalPixelCNN ----
WRONG["CategoricalPixelCNN"] = {
    "mask_B_in_the_first_layer": _categorical(first="B"),
    "mask_A_in_every_layer": _categorical(later="A"),
    "one_logit_per_pixel": _categorical(head="nn.Conv2d(hidden_channels, 1, kernel_size=1)"),
    "seventeen_levels_hard_coded": _categorical(head="nn.Conv2d(hidden_channels, 17, kernel_size=1)"),
    "every_layer_kernel_size_wide": _categorical(later_k="kernel_size"),
    "n_layers_ignored": _categorical(n_later="3"),
    "hidden_channels_ignored": _categorical(override="\n        hidden_channels = 32"),
    "unmasked_3x3_head": _categorical(head="nn.Conv2d(hidden_channels, n_levels, kernel_size=3, padding=1)"),
    "long_input_into_the_convolution": _categorical(scaled="x"),
}

RIGHT["CategoricalPixelCNN"] = {
    "module_list_and_functional_convs": '''
class CategoricalPixelCNN(nn.Module):
    def __init__(self, n_levels, n_layers=4, hidden_channels=32, kernel_size=7):
        super().__init__()
        self.k = n_levels
        sizes = [1] + [hidden_channels] * n_layers
        self.weights = nn.ParameterList()
        self.biases = nn.ParameterList()
        self.masks = []
        for i in range(n_layers):
            size = kernel_size if i == 0 else 3
            conv = nn.Conv2d(sizes[i], sizes[i + 1], size)
            self.weights.append(conv.weight)
            self.biases.append(conv.bias)
            mask = torch.ones(size, size)
            mask[size // 2, size // 2 + (1 if i else 0):] = 0
            mask[size // 2 + 1:] = 0
            self.register_buffer(f"mask{i}", mask)
        self.head = nn.Linear(hidden_channels, n_levels)

    def forward(self, x):
        h = (x.float() - (self.k - 1) / 2) / ((self.k - 1) / 2)
        for i, (w, b) in enumerate(zip(self.weights, self.biases)):
            mask = getattr(self, f"mask{i}")
            h = torch.relu(F.conv2d(h, w * mask, b, padding=w.shape[-1] // 2))
        return self.head(h.permute(0, 2, 3, 1)).permute(0, 3, 1, 2)
''',
    "scaled_to_0_1": _categorical(scaled="x.to(torch.float32) / (self.n_levels - 1)"),
}


# ---- complete ----
WRONG["complete"] = {
    "overwrites_the_known_rows": _complete(first_row="0"),
    "argmax_instead_of_a_draw": _complete(draw="probs.argmax(dim=1)"),
    "ignores_the_label": _complete(call="model(out) if y is None else model(out, torch.zeros_like(y))"),
    "one_pass_for_all_pixels": '''
def complete(model, x, n_known_rows, y=None, generator=None):
    out = x.clone().long()
    with torch.no_grad():
        logits = model(out) if y is None else model(out, y)
        probs = torch.softmax(logits, dim=1).permute(0, 2, 3, 1)  # [B, H, W, K]
        drawn = torch.multinomial(probs.reshape(-1, probs.shape[-1]), 1, generator=generator).reshape(out[:, 0].shape)
        out[:, 0, n_known_rows:] = drawn[:, n_known_rows:]
    return out
''',
    "softmax_over_the_batch": _complete(dim="0"),
    "changes_x_in_place": _complete(copy="x"),
    "global_generator": _complete(draw="torch.multinomial(probs, 1)[:, 0]"),
    "one_row_too_many_kept": _complete(first_row="n_known_rows + 1"),
    "fixed_seed_when_no_generator": _complete(copy="x.clone().long()\n    generator = generator if generator "
                                                       "is not None else torch.Generator().manual_seed(0)"),
}

RIGHT["complete"] = {
    "gumbel_max_draw": '''
def complete(model, x, n_known_rows, y=None, generator=None):
    images = torch.zeros_like(x, dtype=torch.long)
    images[:, :, :n_known_rows] = x[:, :, :n_known_rows]
    height, width = x.shape[-2], x.shape[-1]
    for index in range(n_known_rows * width, height * width):
        row, col = divmod(index, width)
        with torch.no_grad():
            logits = model(images, y) if y is not None else model(images)
        log_p = torch.log_softmax(logits[:, :, row, col].double(), dim=-1)
        uniform = torch.rand(log_p.shape, generator=generator, dtype=torch.float64).clamp(1e-300, 1.0)
        images[:, 0, row, col] = torch.argmax(log_p - torch.log(-torch.log(uniform)), dim=-1)
    return images
''',
    "inverse_cdf_draw": _complete(draw="(torch.rand(probs.shape[0], 1, generator=generator) "
                                           "> probs.cumsum(dim=1)).sum(dim=1).clamp(max=probs.shape[1] - 1)"),
}


# ---- discretized_logistic_mixture_log_prob ----
WRONG["discretized_logistic_mixture_log_prob"] = {
    "no_edge_bins": _dlm(edges="log_inner"),
    "levels_mapped_to_0_1": _dlm(centre="(x / (n_levels - 1))", half="0.5 / (n_levels - 1)"),
    "half_width_one_half": _dlm(half="0.5"),
    "scale_is_log_scales": _dlm(inv_scales="1.0 / log_scales"),
    "weights_not_normalised": _dlm(mix="torch.logsumexp(log_probs + logit_weights, dim=1, keepdim=True)"),
    "log_probabilities_averaged": _dlm(
        mix="(torch.softmax(logit_weights, dim=1) * log_probs).sum(1, keepdim=True)"),
    "returns_probabilities": _dlm(mix="torch.logsumexp(log_probs + F.log_softmax(logit_weights, dim=1), dim=1, "
                                          "keepdim=True).exp()"),
    "naive_log_of_the_difference": _dlm(log_inner="torch.log(mass)"),
    "log_of_the_clamped_mass": _dlm(log_inner="torch.log(mass.clamp(min=1e-12))"),
    "mid_bin_density_shortcut_of_256_levels": _dlm(
        log_inner="torch.where(mass > 1e-5, torch.log(mass.clamp(min=1e-12)), log_pdf_mid + math.log(2 * half))"),
    "nan_gradients_no_clamp_in_the_where": _dlm(
        log_inner="torch.where(mass > 1e-5, torch.log(mass), log_pdf_mid + math.log(2 * half))"),
    "mid_bin_shortcut_float64_loop": '''
def discretized_logistic_mixture_log_prob(x, logit_weights, means, log_scales, n_levels):
    xd = x.double()
    total = None
    log_pi = torch.log_softmax(logit_weights.double(), dim=1)
    width = 2.0 / (n_levels - 1)
    for i in range(means.shape[1]):
        mu, ls = means[:, i:i + 1].double(), log_scales[:, i:i + 1].double()
        s = torch.exp(ls)
        centre = xd * width - 1.0
        hi = (centre + width / 2 - mu) / s
        lo = (centre - width / 2 - mu) / s
        lower_edge = -F.softplus(-hi)
        upper_edge = -F.softplus(lo)
        mass = torch.special.expit(hi) - torch.special.expit(lo)
        z = (centre - mu) / s
        density = z - ls - 2 * F.softplus(z) + math.log(width)
        inner = torch.where(mass > 1e-5, mass.clamp(min=1e-30).log(), density)
        log_p = torch.where(xd == 0, lower_edge, torch.where(xd == n_levels - 1, upper_edge, inner))
        log_p = log_p + log_pi[:, i:i + 1]
        total = log_p if total is None else torch.logaddexp(total, log_p)
    return total.float()
''',
    "naive_log_sigmoid_at_the_edges": _dlm(log_cdf_plus="torch.log(torch.sigmoid(plus_in))",
                                           log_one_minus="torch.log(1 - torch.sigmoid(minus_in))"),
}

RIGHT["discretized_logistic_mixture_log_prob"] = {
    "exact_log_difference_of_sigmoids": '''
def discretized_logistic_mixture_log_prob(x, logit_weights, means, log_scales, n_levels):
    v = x.to(means.dtype) * (2.0 / (n_levels - 1)) - 1.0
    delta = 1.0 / (n_levels - 1)
    upper = (v + delta - means) / log_scales.exp()
    lower = (v - delta - means) / log_scales.exp()
    # log(sigmoid(u) - sigmoid(l)) = log sigmoid(u) + log sigmoid(-l) + log(1 - exp(l - u)), exact for u > l
    inner = F.logsigmoid(upper) + F.logsigmoid(-lower) + torch.log(-torch.expm1(lower - upper))
    per_component = torch.where(x == 0, F.logsigmoid(upper),
                                torch.where(x == n_levels - 1, F.logsigmoid(-lower), inner))
    log_weights = logit_weights - torch.logsumexp(logit_weights, dim=1, keepdim=True)
    return torch.logsumexp(log_weights + per_component, dim=1, keepdim=True)
''',
    "loop_over_components_float64_exact": '''
def discretized_logistic_mixture_log_prob(x, logit_weights, means, log_scales, n_levels):
    xd = x.double()
    total = None
    log_pi = torch.log_softmax(logit_weights.double(), dim=1)
    width = 2.0 / (n_levels - 1)
    for i in range(means.shape[1]):
        mu, ls = means[:, i:i + 1].double(), log_scales[:, i:i + 1].double()
        s = torch.exp(ls)
        centre = xd * width - 1.0
        hi = (centre + width / 2 - mu) / s
        lo = (centre - width / 2 - mu) / s
        lower_edge = -F.softplus(-hi)
        upper_edge = -F.softplus(lo)
        # sigma(hi) - sigma(lo) = sigma(hi) (1 - sigma(lo)) (1 - exp(lo - hi))
        inner = lower_edge + upper_edge + torch.log1p(-torch.exp(lo - hi))
        log_p = torch.where(xd == 0, lower_edge, torch.where(xd == n_levels - 1, upper_edge, inner))
        log_p = log_p + log_pi[:, i:i + 1]
        total = log_p if total is None else torch.logaddexp(total, log_p)
    return total.float()
''',
}


# ---- ConditionalGatedPixelCNN ----
WRONG["ConditionalGatedPixelCNN"] = {
    "label_in_the_vertical_stack_only": _conditional(h_bias="0"),
    "label_in_the_first_layer_only": _conditional(class_layer="i == 0"),
    "vertical_stack_not_shifted": _conditional(shift="a_v"),
    "kernel_size_ignored": _conditional(k_value="3"),
    "first_horizontal_layer_sees_the_pixel": _conditional(first_h_width="k // 2 + 1"),
    "one_label_for_the_whole_batch": _conditional(h_bias="self.h_class[i](y[:1])[:, :, None, None]").replace(
        "a_v = a_v + self.v_class[i](y)[:, :, None, None]", "a_v = a_v + self.v_class[i](y[:1])[:, :, None, None]"),
}

RIGHT["ConditionalGatedPixelCNN"] = {
    "one_hot_labels_and_linear_biases": '''
class ConditionalGatedPixelCNN(nn.Module):
    def __init__(self, n_classes, n_levels=17, n_layers=5, hidden_channels=16, kernel_size=3):
        super().__init__()
        self.n_classes, self.n_levels, self.k = n_classes, n_levels, kernel_size
        k, c = kernel_size, hidden_channels
        self.layers = nn.ModuleList()
        for i in range(n_layers):
            c_in = 1 if i == 0 else c
            self.layers.append(nn.ModuleDict({
                "v": nn.Conv2d(c_in, 2 * c, (k // 2 + 1, k)),
                "h": nn.Conv2d(c_in, 2 * c, (1, k // 2 if i == 0 else k // 2 + 1)),
                "vh": nn.Conv2d(2 * c, 2 * c, 1),
                "o": nn.Conv2d(c, c, 1),
                "yv": nn.Linear(n_classes, 2 * c),  # with a bias: the per-class part is its weight
                "yh": nn.Linear(n_classes, 2 * c),
            }))
        self.out = nn.Conv2d(c, n_levels, 1)

    def forward(self, x, y):
        k = self.k
        one_hot = F.one_hot(y, self.n_classes).float()
        v = h = x.float() * (2.0 / (self.n_levels - 1)) - 1.0
        for i, layer in enumerate(self.layers):
            a_v = layer["v"](F.pad(v, (k // 2, k // 2, k // 2, 0))) + layer["yv"](one_hot)[..., None, None]
            shifted = torch.cat([torch.zeros_like(a_v[:, :, :1]), a_v[:, :, :-1]], dim=2)
            a_h = layer["h"](F.pad(h, (k // 2, 0)))[..., : x.shape[-1]]
            a_h = a_h + layer["vh"](shifted)  # the shifted copy carries the vertical class bias too: allowed
            a_h = a_h + layer["yh"](one_hot)[..., None, None]
            f_v, g_v = torch.split(a_v, a_v.shape[1] // 2, dim=1)
            f_h, g_h = torch.split(a_h, a_h.shape[1] // 2, dim=1)
            new_h = layer["o"](torch.tanh(f_h) * torch.sigmoid(g_h))
            v = torch.tanh(f_v) * torch.sigmoid(g_v)
            h = new_h if i == 0 else h + new_h
        return self.out(torch.relu(h))
''',
}
