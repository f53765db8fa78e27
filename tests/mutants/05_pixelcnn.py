"""Wrong and right implementations of the graded cells of 05_pixelcnn (see tests/test_mutants.py).

Each source replaces a whole answer cell; it may use the setup cell's names (math, np, torch, nn, F)
and the earlier answer cells (causal_mask, MaskedConv2d).
"""

# Contracts that the docstrings state and the hidden checks now test (issue 26, item 12).
_PIXELCNN_VARIANT = '''
class PixelCNN(nn.Module):
    def __init__(self, n_layers=4, hidden_channels=32, kernel_size=7):
        super().__init__(){override}
        layers = [MaskedConv2d(1, hidden_channels, kernel_size, "A"), nn.ReLU()]
        for _ in range({n_later}):
            layers += [MaskedConv2d(hidden_channels, hidden_channels, {later_k}, "B"), nn.ReLU()]
        layers.append(nn.Conv2d(hidden_channels, 1, 1))
        self.net = nn.Sequential(*layers)

    def forward(self, x):
        return self.net(x)
'''


def _pixelcnn(later_k="3", n_later="n_layers - 1", override=""):
    return _PIXELCNN_VARIANT.format(later_k=later_k, n_later=n_later, override=override)


WRONG: dict[str, dict[str, str]] = {}
RIGHT: dict[str, dict[str, str]] = {}


# ---- causal_mask ----
WRONG["causal_mask"] = {
    "lower_triangle_instead_of_raster_order": '''
def causal_mask(kernel_size, mask_type):
    if kernel_size % 2 == 0 or mask_type not in ("A", "B"):
        raise ValueError("bad arguments")
    mask = torch.ones(kernel_size, kernel_size).tril(-1 if mask_type == "A" else 0)
    return mask
''',
    "A_and_B_swapped": '''
def causal_mask(kernel_size, mask_type):
    if kernel_size % 2 == 0 or mask_type not in ("A", "B"):
        raise ValueError("bad arguments")
    c = kernel_size // 2
    mask = torch.zeros(kernel_size, kernel_size)
    mask[:c] = 1
    mask[c, :c] = 1
    if mask_type == "A":
        mask[c, c] = 1
    return mask
''',
    "transposed": '''
def causal_mask(kernel_size, mask_type):
    if kernel_size % 2 == 0 or mask_type not in ("A", "B"):
        raise ValueError("bad arguments")
    c = kernel_size // 2
    mask = torch.zeros(kernel_size, kernel_size)
    mask[:, :c] = 1
    mask[:c, c] = 1
    if mask_type == "B":
        mask[c, c] = 1
    return mask
''',
    "whole_centre_row": '''
def causal_mask(kernel_size, mask_type):
    if kernel_size % 2 == 0 or mask_type not in ("A", "B"):
        raise ValueError("bad arguments")
    c = kernel_size // 2
    mask = torch.zeros(kernel_size, kernel_size)
    mask[:c] = 1
    mask[c] = 1
    if mask_type == "A":
        mask[c, c] = 0
    return mask
''',
    "rows_above_only": '''
def causal_mask(kernel_size, mask_type):
    if kernel_size % 2 == 0 or mask_type not in ("A", "B"):
        raise ValueError("bad arguments")
    c = kernel_size // 2
    mask = torch.zeros(kernel_size, kernel_size)
    mask[:c] = 1
    if mask_type == "B":
        mask[c, c] = 1
    return mask
''',
    "no_check_of_the_size": '''
def causal_mask(kernel_size, mask_type):
    if mask_type not in ("A", "B"):
        raise ValueError("bad mask type")
    c = kernel_size // 2
    mask = torch.zeros(kernel_size, kernel_size)
    mask[:c] = 1
    mask[c, :c] = 1
    if mask_type == "B":
        mask[c, c] = 1
    return mask
''',
    "substring_type_check": '''
def causal_mask(kernel_size, mask_type):
    if kernel_size % 2 == 0 or str(mask_type) not in "AB":
        raise ValueError("bad arguments")
    c = kernel_size // 2
    mask = torch.zeros(kernel_size, kernel_size)
    mask[:c] = 1
    mask[c, :c] = 1
    if mask_type == "B":
        mask[c, c] = 1
    return mask
''',
}

RIGHT["causal_mask"] = {
    "flat_raster_index_then_reshape": '''
def causal_mask(kernel_size, mask_type):
    if not isinstance(kernel_size, int) or kernel_size < 1 or kernel_size % 2 == 0:
        raise ValueError("kernel_size must be an odd positive int")
    if mask_type not in ("A", "B"):
        raise ValueError("mask_type must be 'A' or 'B'")
    n = kernel_size * kernel_size
    flat = torch.zeros(n)
    flat[: n // 2 + (1 if mask_type == "B" else 0)] = 1
    return flat.reshape(kernel_size, kernel_size)
''',
    "raster_index_comparison": '''
def causal_mask(kernel_size, mask_type):
    if not (kernel_size >= 1 and kernel_size % 2 == 1):
        raise ValueError(f"odd kernel size needed, got {kernel_size}")
    if mask_type != "A" and mask_type != "B":
        raise ValueError(f"unknown mask type {mask_type!r}")
    index = torch.arange(kernel_size * kernel_size).reshape(kernel_size, kernel_size)
    centre = (kernel_size * kernel_size) // 2
    keep = index < centre if mask_type == "A" else index <= centre
    return keep.float()
''',
    "numpy_then_torch": '''
def causal_mask(kernel_size, mask_type):
    if kernel_size % 2 != 1 or kernel_size < 1 or mask_type not in {"A", "B"}:
        raise ValueError("kernel_size must be odd, mask_type 'A' or 'B'")
    k = kernel_size
    m = np.ones((k, k), dtype=np.float32)
    m[k // 2, k // 2 + (mask_type == "B"):] = 0
    m[k // 2 + 1:, :] = 0
    return torch.from_numpy(m)
''',
}


# ---- MaskedConv2d ----
WRONG["MaskedConv2d"] = {
    "mask_applied_once_at_init": '''
class MaskedConv2d(nn.Conv2d):
    def __init__(self, in_channels, out_channels, kernel_size, mask_type, **conv_kwargs):
        super().__init__(in_channels, out_channels, kernel_size, padding=kernel_size // 2, **conv_kwargs)
        self.register_buffer("mask", causal_mask(kernel_size, mask_type))
        with torch.no_grad():
            self.weight.mul_(self.mask)

    def forward(self, x):
        return super().forward(x)
''',
    "padding_always_1": '''
class MaskedConv2d(nn.Conv2d):
    def __init__(self, in_channels, out_channels, kernel_size, mask_type, **conv_kwargs):
        super().__init__(in_channels, out_channels, kernel_size, padding=1, **conv_kwargs)
        self.register_buffer("mask", causal_mask(kernel_size, mask_type))

    def forward(self, x):
        return F.conv2d(x, self.weight * self.mask, self.bias, self.stride, self.padding)
''',
    "mask_transposed": '''
class MaskedConv2d(nn.Conv2d):
    def __init__(self, in_channels, out_channels, kernel_size, mask_type, **conv_kwargs):
        super().__init__(in_channels, out_channels, kernel_size, padding=kernel_size // 2, **conv_kwargs)
        self.register_buffer("mask", causal_mask(kernel_size, mask_type).T.contiguous())

    def forward(self, x):
        return F.conv2d(x, self.weight * self.mask, self.bias, self.stride, self.padding)
''',
    "always_mask_A": '''
class MaskedConv2d(nn.Conv2d):
    def __init__(self, in_channels, out_channels, kernel_size, mask_type, **conv_kwargs):
        super().__init__(in_channels, out_channels, kernel_size, padding=kernel_size // 2, **conv_kwargs)
        self.register_buffer("mask", causal_mask(kernel_size, "A"))

    def forward(self, x):
        return F.conv2d(x, self.weight * self.mask, self.bias, self.stride, self.padding)
''',
    "no_mask_at_all": '''
class MaskedConv2d(nn.Conv2d):
    def __init__(self, in_channels, out_channels, kernel_size, mask_type, **conv_kwargs):
        super().__init__(in_channels, out_channels, kernel_size, padding=kernel_size // 2, **conv_kwargs)
''',
    "conv_kwargs_dropped": '''
class MaskedConv2d(nn.Conv2d):
    def __init__(self, in_channels, out_channels, kernel_size, mask_type, **conv_kwargs):
        super().__init__(in_channels, out_channels, kernel_size, padding=kernel_size // 2)
        self.register_buffer("mask", causal_mask(kernel_size, mask_type))

    def forward(self, x):
        return F.conv2d(x, self.weight * self.mask, self.bias, self.stride, self.padding)
''',
    "mask_is_a_trainable_parameter": '''
class MaskedConv2d(nn.Conv2d):
    def __init__(self, in_channels, out_channels, kernel_size, mask_type, **conv_kwargs):
        super().__init__(in_channels, out_channels, kernel_size, padding=kernel_size // 2, **conv_kwargs)
        self.mask = nn.Parameter(causal_mask(kernel_size, mask_type))

    def forward(self, x):
        return F.conv2d(x, self.weight * self.mask, self.bias, self.stride, self.padding)
''',
    "mask_a_plain_attribute_not_a_buffer": '''
class MaskedConv2d(nn.Conv2d):
    def __init__(self, in_channels, out_channels, kernel_size, mask_type, **conv_kwargs):
        super().__init__(in_channels, out_channels, kernel_size, padding=kernel_size // 2, **conv_kwargs)
        self.mask = causal_mask(kernel_size, mask_type)

    def forward(self, x):
        return F.conv2d(x, self.weight * self.mask, self.bias, self.stride, self.padding, self.dilation, self.groups)
''',
}

RIGHT["MaskedConv2d"] = {
    "builds_its_own_mask_with_loops_no_value_error": '''
class MaskedConv2d(nn.Conv2d):
    def __init__(self, in_channels, out_channels, kernel_size, mask_type, **conv_kwargs):
        super().__init__(in_channels, out_channels, kernel_size, padding=kernel_size // 2, **conv_kwargs)
        k = kernel_size
        mask = torch.zeros(out_channels, in_channels, k, k)
        for a in range(k):
            for b in range(k):
                if a < k // 2 or (a == k // 2 and (b < k // 2 or (b == k // 2 and mask_type == "B"))):
                    mask[:, :, a, b] = 1.0
        self.register_buffer("kernel_mask", mask)

    def forward(self, x):
        return self._conv_forward(x, self.weight * self.kernel_mask, self.bias)
''',
    "parametrization_of_the_weight": '''
class _Mask(nn.Module):
    def __init__(self, mask):
        super().__init__()
        self.register_buffer("mask", mask)

    def forward(self, weight):
        return weight * self.mask


class MaskedConv2d(nn.Conv2d):
    def __init__(self, in_channels, out_channels, kernel_size, mask_type, **conv_kwargs):
        super().__init__(in_channels, out_channels, kernel_size, padding="same", **conv_kwargs)
        torch.nn.utils.parametrize.register_parametrization(self, "weight", _Mask(causal_mask(kernel_size, mask_type)))
''',
    "masks_the_weight_in_place_every_forward": '''
class MaskedConv2d(nn.Conv2d):
    def __init__(self, in_channels, out_channels, kernel_size, mask_type, **conv_kwargs):
        super().__init__(in_channels, out_channels, kernel_size, padding="same", **conv_kwargs)
        self.register_buffer("mask", causal_mask(kernel_size, mask_type)[None, None])

    def forward(self, x):
        with torch.no_grad():
            self.weight.mul_(self.mask)
        return super().forward(x)
''',
}


# ---- PixelCNN ----
WRONG["PixelCNN"] = {
    "mask_B_in_the_first_layer": '''
class PixelCNN(nn.Module):
    def __init__(self, n_layers=4, hidden_channels=32, kernel_size=7):
        super().__init__()
        layers = [MaskedConv2d(1, hidden_channels, kernel_size, "B"), nn.ReLU()]
        for _ in range(n_layers - 1):
            layers += [MaskedConv2d(hidden_channels, hidden_channels, 3, "B"), nn.ReLU()]
        layers.append(nn.Conv2d(hidden_channels, 1, 1))
        self.net = nn.Sequential(*layers)

    def forward(self, x):
        return self.net(x)
''',
    "mask_A_in_every_layer": '''
class PixelCNN(nn.Module):
    def __init__(self, n_layers=4, hidden_channels=32, kernel_size=7):
        super().__init__()
        layers = [MaskedConv2d(1, hidden_channels, kernel_size, "A"), nn.ReLU()]
        for _ in range(n_layers - 1):
            layers += [MaskedConv2d(hidden_channels, hidden_channels, 3, "A"), nn.ReLU()]
        layers.append(nn.Conv2d(hidden_channels, 1, 1))
        self.net = nn.Sequential(*layers)

    def forward(self, x):
        return self.net(x)
''',
    "unmasked_3x3_output_layer": '''
class PixelCNN(nn.Module):
    def __init__(self, n_layers=4, hidden_channels=32, kernel_size=7):
        super().__init__()
        layers = [MaskedConv2d(1, hidden_channels, kernel_size, "A"), nn.ReLU()]
        for _ in range(n_layers - 1):
            layers += [MaskedConv2d(hidden_channels, hidden_channels, 3, "B"), nn.ReLU()]
        layers.append(nn.Conv2d(hidden_channels, 1, 3, padding=1))
        self.net = nn.Sequential(*layers)

    def forward(self, x):
        return self.net(x)
''',
    "masks_applied_once_at_init": '''
class PixelCNN(nn.Module):
    def __init__(self, n_layers=4, hidden_channels=32, kernel_size=7):
        super().__init__()
        convs = [nn.Conv2d(1, hidden_channels, kernel_size, padding=kernel_size // 2)]
        convs += [nn.Conv2d(hidden_channels, hidden_channels, 3, padding=1) for _ in range(n_layers - 1)]
        with torch.no_grad():
            for i, conv in enumerate(convs):
                conv.weight.mul_(causal_mask(conv.kernel_size[0], "A" if i == 0 else "B"))
        self.convs = nn.ModuleList(convs)
        self.out = nn.Conv2d(hidden_channels, 1, 1)

    def forward(self, x):
        for conv in self.convs:
            x = torch.relu(conv(x))
        return self.out(x)
''',
    "unmasked_hidden_layers": '''
class PixelCNN(nn.Module):
    def __init__(self, n_layers=4, hidden_channels=32, kernel_size=7):
        super().__init__()
        layers = [MaskedConv2d(1, hidden_channels, kernel_size, "A"), nn.ReLU()]
        for _ in range(n_layers - 1):
            layers += [nn.Conv2d(hidden_channels, hidden_channels, 3, padding=1), nn.ReLU()]
        layers.append(nn.Conv2d(hidden_channels, 1, 1))
        self.net = nn.Sequential(*layers)

    def forward(self, x):
        return self.net(x)
''',
    # was RIGHT until the docstring's layers were checked: its later layers are kernel_size wide and its head has two
    # 1x1 convolutions
    "kernel_size_wide_later_layers_and_a_deeper_head": '''
class PixelCNN(nn.Module):
    def __init__(self, n_layers=4, hidden_channels=32, kernel_size=7):
        super().__init__()
        self.first = MaskedConv2d(1, hidden_channels, kernel_size, "A")
        self.hidden = nn.ModuleList(
            MaskedConv2d(hidden_channels, hidden_channels, kernel_size, "B") for _ in range(n_layers - 1)
        )
        self.head = nn.Sequential(nn.ReLU(), nn.Conv2d(hidden_channels, hidden_channels, 1), nn.ReLU(),
                                  nn.Conv2d(hidden_channels, 1, 1))

    def forward(self, x):
        h = torch.relu(self.first(x))
        for layer in self.hidden:
            h = h + torch.relu(layer(h))
        return self.head(h)
''',
    "every_layer_kernel_size_wide": _pixelcnn(later_k="kernel_size"),
    "n_layers_ignored": _pixelcnn(n_later="3"),
    "hidden_channels_ignored": _pixelcnn(override="\n        hidden_channels = 32"),
}

RIGHT["PixelCNN"] = {
    "plain_loop_over_a_module_list_float32": '''
class PixelCNN(nn.Module):
    def __init__(self, n_layers=4, hidden_channels=32, kernel_size=7):
        super().__init__()
        sizes = [1] + [hidden_channels] * n_layers
        self.convs = nn.ModuleList(
            MaskedConv2d(sizes[i], sizes[i + 1], kernel_size if i == 0 else 3, "A" if i == 0 else "B")
            for i in range(n_layers))
        self.out = nn.Conv2d(hidden_channels, 1, 1)

    def forward(self, x):
        for conv in self.convs:
            x = F.relu(conv(x))
        return self.out(x)
''',
    "module_list_and_functional_relu": '''
class PixelCNN(nn.Module):
    def __init__(self, n_layers=4, hidden_channels=32, kernel_size=7):
        super().__init__()
        self.first = MaskedConv2d(1, hidden_channels, kernel_size, "A")
        self.hidden = nn.ModuleList(MaskedConv2d(hidden_channels, hidden_channels, 3, "B") for _ in range(n_layers - 1))
        self.head = nn.Conv2d(hidden_channels, 1, 1)

    def forward(self, x):
        h = F.relu(self.first(x))
        for layer in self.hidden:
            h = F.relu(layer(h))
        return self.head(h)
''',
}


# ---- bernoulli_nll ----
WRONG["bernoulli_nll"] = {
    "arguments_swapped_in_bce": '''
def bernoulli_nll(logits, x):
    return F.binary_cross_entropy_with_logits(x, logits, reduction="sum") / x.shape[0]
''',
    "mean_over_pixels": '''
def bernoulli_nll(logits, x):
    return F.binary_cross_entropy_with_logits(logits, x)
''',
    "bits_not_nats": '''
def bernoulli_nll(logits, x):
    return F.binary_cross_entropy_with_logits(logits, x, reduction="sum") / x.shape[0] / math.log(2)
''',
    "sum_over_the_batch": '''
def bernoulli_nll(logits, x):
    return F.binary_cross_entropy_with_logits(logits, x, reduction="sum")
''',
    "log_of_sigmoid": '''
def bernoulli_nll(logits, x):
    p = torch.sigmoid(logits)
    return -(x * torch.log(p) + (1 - x) * torch.log(1 - p)).sum() / x.shape[0]
''',
    "float_not_tensor": '''
def bernoulli_nll(logits, x):
    return float(F.binary_cross_entropy_with_logits(logits, x, reduction="sum")) / x.shape[0]
''',
}

RIGHT["bernoulli_nll"] = {
    "float64_logsigmoid_loop_over_images": '''
def bernoulli_nll(logits, x):
    total = 0.0
    for l, t in zip(logits.double(), x.double()):
        total = total - (t * F.logsigmoid(l) + (1 - t) * F.logsigmoid(-l)).sum()
    return total / len(x)
''',
    "softplus_form": '''
def bernoulli_nll(logits, x):
    per_pixel = F.softplus(logits) - x * logits
    return per_pixel.flatten(1).sum(dim=1).mean()
''',
    "torch_distributions": '''
def bernoulli_nll(logits, x):
    log_p = torch.distributions.Bernoulli(logits=logits).log_prob(x)
    return -log_p.sum(dim=(1, 2, 3)).mean()
''',
}


# ---- receptive_field ----
WRONG["receptive_field"] = {
    "one_input_of_zeros": '''
def receptive_field(model, image_shape, pixel):
    x = torch.zeros(1, 1, *image_shape, requires_grad=True)
    model(x)[:, :, pixel[0], pixel[1]].sum().backward()
    return x.grad[0, 0] != 0
''',
    "transposed": '''
def receptive_field(model, image_shape, pixel):
    x = torch.rand(4, 1, *image_shape, requires_grad=True)
    model(x)[:, :, pixel[0], pixel[1]].sum().backward()
    return (x.grad.abs().sum(dim=(0, 1)) > 0).T
''',
    "positive_gradients_only": '''
def receptive_field(model, image_shape, pixel):
    x = torch.rand(4, 1, *image_shape, requires_grad=True)
    model(x)[:, :, pixel[0], pixel[1]].sum().backward()
    return x.grad.sum(dim=(0, 1)) > 0
''',
    "gradient_of_the_whole_output": '''
def receptive_field(model, image_shape, pixel):
    x = torch.rand(4, 1, *image_shape, requires_grad=True)
    model(x).sum().backward()
    return x.grad.abs().sum(dim=(0, 1)) > 0
''',
    "pixel_as_col_row": '''
def receptive_field(model, image_shape, pixel):
    col, row = pixel
    x = torch.rand(4, 1, *image_shape, requires_grad=True)
    model(x)[:, :, row, col].sum().backward()
    return x.grad.abs().sum(dim=(0, 1)) > 0
''',
    "pixel_itself_included": '''
def receptive_field(model, image_shape, pixel):
    x = torch.rand(4, 1, *image_shape, requires_grad=True)
    model(x)[:, :, pixel[0], pixel[1]].sum().backward()
    field = x.grad.abs().sum(dim=(0, 1)) > 0
    field[pixel[0], pixel[1]] = True
    return field
''',
    "first_output_channel_only": '''
def receptive_field(model, image_shape, pixel):
    height, width = image_shape
    gen = torch.Generator().manual_seed(0)
    x = torch.rand(4, 1, height, width, generator=gen).requires_grad_(True)
    (grad,) = torch.autograd.grad(model(x)[:, 0, pixel[0], pixel[1]].sum(), x)
    return grad.abs().sum(dim=(0, 1)) > 0
''',
}

RIGHT["receptive_field"] = {
    "one_backward_per_random_input_float64": '''
def receptive_field(model, image_shape, pixel):
    field = torch.zeros(*image_shape, dtype=torch.bool)
    for seed in range(4):
        g = torch.Generator().manual_seed(seed)
        x = torch.rand(1, 1, *image_shape, generator=g).requires_grad_(True)
        out = model(x)
        grad, = torch.autograd.grad(out[0, :, pixel[0], pixel[1]].sum(), x)
        field |= grad[0, 0] != 0
    return field
''',
    "jacobian_of_a_normal_input": '''
def receptive_field(model, image_shape, pixel):
    height, width = image_shape
    field = torch.zeros(height, width, dtype=torch.bool)
    for seed in range(3):
        x = torch.randn(1, 1, height, width, generator=torch.Generator().manual_seed(seed))
        jac = torch.autograd.functional.jacobian(lambda z: model(z)[0, :, pixel[0], pixel[1]].sum(), x)
        field |= jac[0, 0] != 0
    return field
''',
}


# ---- sample ----
WRONG["sample"] = {
    "logit_used_as_probability": '''
def sample(model, n, image_shape, generator=None):
    height, width = image_shape
    x = torch.zeros(n, 1, height, width)
    with torch.no_grad():
        for row in range(height):
            for col in range(width):
                probs = model(x)[:, 0, row, col].clamp(0, 1)
                x[:, 0, row, col] = torch.bernoulli(probs, generator=generator)
    return x
''',
    "one_parallel_pass": '''
def sample(model, n, image_shape, generator=None):
    with torch.no_grad():
        logits = model(torch.zeros(n, 1, *image_shape))
        return torch.bernoulli(torch.sigmoid(logits), generator=generator)
''',
    "column_by_column": '''
def sample(model, n, image_shape, generator=None):
    height, width = image_shape
    x = torch.zeros(n, 1, height, width)
    with torch.no_grad():
        for col in range(width):
            for row in range(height):
                probs = torch.sigmoid(model(x)[:, 0, row, col])
                x[:, 0, row, col] = torch.bernoulli(probs, generator=generator)
    return x
''',
    "one_pass_per_row": '''
def sample(model, n, image_shape, generator=None):
    height, width = image_shape
    x = torch.zeros(n, 1, height, width)
    with torch.no_grad():
        for row in range(height):
            probs = torch.sigmoid(model(x)[:, 0, row, :])
            x[:, 0, row, :] = torch.bernoulli(probs, generator=generator)
    return x
''',
    "generator_ignored": '''
def sample(model, n, image_shape, generator=None):
    height, width = image_shape
    x = torch.zeros(n, 1, height, width)
    with torch.no_grad():
        for row in range(height):
            for col in range(width):
                probs = torch.sigmoid(model(x)[:, 0, row, col])
                x[:, 0, row, col] = torch.bernoulli(probs)
    return x
''',
    "threshold_the_wrong_way": '''
def sample(model, n, image_shape, generator=None):
    height, width = image_shape
    x = torch.zeros(n, 1, height, width)
    with torch.no_grad():
        for row in range(height):
            for col in range(width):
                probs = torch.sigmoid(model(x)[:, 0, row, col])
                x[:, 0, row, col] = (torch.rand(n, generator=generator) > probs).float()
    return x
''',
    "most_likely_value_not_a_sample": '''
def sample(model, n, image_shape, generator=None):
    height, width = image_shape
    x = torch.zeros(n, 1, height, width)
    with torch.no_grad():
        for row in range(height):
            for col in range(width):
                x[:, 0, row, col] = (model(x)[:, 0, row, col] > 0).float()
    return x
''',
    "fixed_seed_when_no_generator": '''
def sample(model, n, image_shape, generator=None):
    generator = generator if generator is not None else torch.Generator().manual_seed(0)
    height, width = image_shape
    x = torch.zeros(n, 1, height, width)
    with torch.no_grad():
        for row in range(height):
            for col in range(width):
                probs = torch.sigmoid(model(x)[:, 0, row, col])
                x[:, 0, row, col] = torch.bernoulli(probs, generator=generator)
    return x
''',
}

RIGHT["sample"] = {
    "float64_uniforms_flat_index_loop": '''
def sample(model, n, image_shape, generator=None):
    height, width = image_shape
    x = torch.zeros(n, 1, height, width)
    with torch.no_grad():
        for index in range(height * width):
            row, col = index // width, index % width
            p = torch.sigmoid(model(x)[:, 0, row, col].double())
            x[:, 0, row, col] = (torch.rand(n, generator=generator, dtype=torch.float64) < p).float()
    return x
''',
    "uniforms_compared_with_probabilities": '''
def sample(model, n, image_shape, generator=None):
    h, w = image_shape
    images = torch.zeros(n, 1, h, w)
    for index in range(h * w):
        r, c = divmod(index, w)
        with torch.no_grad():
            p = torch.sigmoid(model(images))[:, 0, r, c]
        u = torch.rand(n, generator=generator)
        images[:, 0, r, c] = (u < p).to(images.dtype)
    return images
''',
}


# ---- GatedPixelCNN ----
WRONG["GatedPixelCNN"] = {
    "vertical_stack_not_shifted": '''
class GatedPixelCNN(nn.Module):
    def __init__(self, n_layers=5, hidden_channels=16, kernel_size=3):
        super().__init__()
        k, c = kernel_size, hidden_channels
        self.k = k
        self.v = nn.ModuleList(nn.Conv2d(1 if i == 0 else c, 2 * c, (k // 2 + 1, k)) for i in range(n_layers))
        self.h = nn.ModuleList(nn.Conv2d(1 if i == 0 else c, 2 * c, (1, k // 2 if i == 0 else k // 2 + 1))
                               for i in range(n_layers))
        self.v2h = nn.ModuleList(nn.Conv2d(2 * c, 2 * c, 1) for _ in range(n_layers))
        self.out = nn.Conv2d(c, 1, 1)

    def forward(self, x):
        k, w = self.k, x.shape[-1]
        v = h = x
        for i in range(len(self.v)):
            a_v = self.v[i](F.pad(v, (k // 2, k // 2, k // 2, 0)))
            a_h = self.h[i](F.pad(h, (k // 2, 0)))[..., :w] + self.v2h[i](a_v)
            f, g = a_v.chunk(2, 1)
            v = torch.tanh(f) * torch.sigmoid(g)
            f, g = a_h.chunk(2, 1)
            h_new = torch.tanh(f) * torch.sigmoid(g)
            h = h_new if i == 0 else h + h_new
        return self.out(h)
''',
    "first_horizontal_layer_sees_the_pixel": '''
class GatedPixelCNN(nn.Module):
    def __init__(self, n_layers=5, hidden_channels=16, kernel_size=3):
        super().__init__()
        k, c = kernel_size, hidden_channels
        self.k = k
        self.v = nn.ModuleList(nn.Conv2d(1 if i == 0 else c, 2 * c, (k // 2 + 1, k)) for i in range(n_layers))
        self.h = nn.ModuleList(nn.Conv2d(1 if i == 0 else c, 2 * c, (1, k // 2 + 1)) for i in range(n_layers))
        self.v2h = nn.ModuleList(nn.Conv2d(2 * c, 2 * c, 1) for _ in range(n_layers))
        self.out = nn.Conv2d(c, 1, 1)

    def forward(self, x):
        k, w = self.k, x.shape[-1]
        v = h = x
        for i in range(len(self.v)):
            a_v = self.v[i](F.pad(v, (k // 2, k // 2, k // 2, 0)))
            a_above = F.pad(a_v, (0, 0, 1, 0))[:, :, :-1]
            a_h = self.h[i](F.pad(h, (k // 2, 0)))[..., :w] + self.v2h[i](a_above)
            f, g = a_v.chunk(2, 1)
            v = torch.tanh(f) * torch.sigmoid(g)
            f, g = a_h.chunk(2, 1)
            h_new = torch.tanh(f) * torch.sigmoid(g)
            h = h_new if i == 0 else h + h_new
        return self.out(h)
''',
    "no_vertical_to_horizontal_link": '''
class GatedPixelCNN(nn.Module):
    def __init__(self, n_layers=5, hidden_channels=16, kernel_size=3):
        super().__init__()
        k, c = kernel_size, hidden_channels
        self.k = k
        self.h = nn.ModuleList(nn.Conv2d(1 if i == 0 else c, 2 * c, (1, k // 2 if i == 0 else k // 2 + 1))
                               for i in range(n_layers))
        self.out = nn.Conv2d(c, 1, 1)

    def forward(self, x):
        k, w = self.k, x.shape[-1]
        h = x
        for i in range(len(self.h)):
            f, g = self.h[i](F.pad(h, (k // 2, 0)))[..., :w].chunk(2, 1)
            h_new = torch.tanh(f) * torch.sigmoid(g)
            h = h_new if i == 0 else h + h_new
        return self.out(h)
''',
    "gated_masked_convs_with_blind_spot": '''
class GatedPixelCNN(nn.Module):
    def __init__(self, n_layers=5, hidden_channels=16, kernel_size=3):
        super().__init__()
        c = hidden_channels
        self.convs = nn.ModuleList(MaskedConv2d(1 if i == 0 else c, 2 * c, kernel_size, "A" if i == 0 else "B")
                                   for i in range(n_layers))
        self.out = nn.Conv2d(c, 1, 1)

    def forward(self, x):
        h = x
        for conv in self.convs:
            f, g = conv(h).chunk(2, 1)
            h = torch.tanh(f) * torch.sigmoid(g)
        return self.out(h)
''',
    "symmetric_horizontal_kernel": '''
class GatedPixelCNN(nn.Module):
    def __init__(self, n_layers=5, hidden_channels=16, kernel_size=3):
        super().__init__()
        k, c = kernel_size, hidden_channels
        self.k = k
        self.v = nn.ModuleList(nn.Conv2d(1 if i == 0 else c, 2 * c, (k // 2 + 1, k)) for i in range(n_layers))
        self.h = nn.ModuleList(nn.Conv2d(1 if i == 0 else c, 2 * c, (1, k), padding=(0, k // 2))
                               for i in range(n_layers))
        self.v2h = nn.ModuleList(nn.Conv2d(2 * c, 2 * c, 1) for _ in range(n_layers))
        self.out = nn.Conv2d(c, 1, 1)

    def forward(self, x):
        k = self.k
        v = h = x
        for i in range(len(self.v)):
            a_v = self.v[i](F.pad(v, (k // 2, k // 2, k // 2, 0)))
            a_above = F.pad(a_v, (0, 0, 1, 0))[:, :, :-1]
            a_h = self.h[i](h) + self.v2h[i](a_above)
            f, g = a_v.chunk(2, 1)
            v = torch.tanh(f) * torch.sigmoid(g)
            f, g = a_h.chunk(2, 1)
            h_new = torch.tanh(f) * torch.sigmoid(g)
            h = h_new if i == 0 else h + h_new
        return self.out(h)
''',
    "kernel_size_ignored": '''
class GatedPixelCNN(nn.Module):
    def __init__(self, n_layers=5, hidden_channels=16, kernel_size=3):
        super().__init__()
        k, c = 3, hidden_channels
        self.kernel_size = k
        self.v_convs, self.h_convs = nn.ModuleList(), nn.ModuleList()
        self.v_to_h, self.h_out = nn.ModuleList(), nn.ModuleList()
        for i in range(n_layers):
            c_in = 1 if i == 0 else c
            self.v_convs.append(nn.Conv2d(c_in, 2 * c, (k // 2 + 1, k)))
            self.h_convs.append(nn.Conv2d(c_in, 2 * c, (1, k // 2 if i == 0 else k // 2 + 1)))
            self.v_to_h.append(nn.Conv2d(2 * c, 2 * c, 1))
            self.h_out.append(nn.Conv2d(c, c, 1))
        self.out = nn.Conv2d(c, 1, 1)

    def forward(self, x):
        k, width = self.kernel_size, x.shape[-1]

        def gate(a):
            a_f, a_g = a.chunk(2, dim=1)
            return torch.tanh(a_f) * torch.sigmoid(a_g)

        v = h = x
        for i in range(len(self.v_convs)):
            a_v = self.v_convs[i](F.pad(v, (k // 2, k // 2, k // 2, 0)))
            a_v_above = F.pad(a_v, (0, 0, 1, 0))[:, :, :-1]
            a_h = self.h_convs[i](F.pad(h, (k // 2, 0)))[..., :width] + self.v_to_h[i](a_v_above)
            h_new = self.h_out[i](gate(a_h))
            v, h = gate(a_v), (h_new if i == 0 else h + h_new)
        return self.out(F.relu(h))
''',
}

RIGHT["GatedPixelCNN"] = {
    "masked_square_kernels": '''
class GatedPixelCNN(nn.Module):
    def __init__(self, n_layers=5, hidden_channels=16, kernel_size=3):
        super().__init__()
        k, c = kernel_size, hidden_channels
        vertical = torch.zeros(k, k)
        vertical[: k // 2 + 1] = 1  # rows above and the current row; shifted down before use in h
        horizontal_a = torch.zeros(k, k)
        horizontal_a[k // 2, : k // 2] = 1
        horizontal_b = horizontal_a.clone()
        horizontal_b[k // 2, k // 2] = 1
        self.register_buffer("vertical", vertical)
        self.register_buffer("horizontal_a", horizontal_a)
        self.register_buffer("horizontal_b", horizontal_b)
        self.v = nn.ModuleList(nn.Conv2d(1 if i == 0 else c, 2 * c, k, padding=k // 2) for i in range(n_layers))
        self.h = nn.ModuleList(nn.Conv2d(1 if i == 0 else c, 2 * c, k, padding=k // 2) for i in range(n_layers))
        self.link = nn.ModuleList(nn.Conv2d(2 * c, 2 * c, 1) for _ in range(n_layers))
        self.out = nn.Sequential(nn.ELU(), nn.Conv2d(c, 1, 1))

    @staticmethod
    def gated(a):
        f, g = torch.chunk(a, 2, dim=1)
        return torch.tanh(f) * torch.sigmoid(g)

    def forward(self, x):
        v = h = x
        for i, (conv_v, conv_h, link) in enumerate(zip(self.v, self.h, self.link)):
            a_v = F.conv2d(v, conv_v.weight * self.vertical, conv_v.bias, padding=conv_v.padding)
            down = torch.cat([torch.zeros_like(a_v[:, :, :1]), a_v[:, :, :-1]], dim=2)
            mask = self.horizontal_a if i == 0 else self.horizontal_b
            a_h = F.conv2d(h, conv_h.weight * mask, conv_h.bias, padding=conv_h.padding) + link(down)
            v = self.gated(a_v)
            h = self.gated(a_h) + (h if i > 0 else 0)
        return self.out(h)
''',
}
