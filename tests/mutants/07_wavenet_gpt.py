"""Wrong and right implementations of the graded cells of 07_wavenet_gpt (see tests/test_mutants.py).

Each source replaces a whole answer cell; it may use the setup cell's names (math, np, torch, nn, F) and the earlier
answer cells (CausalConv1d, WaveNet, CausalSelfAttention).
"""

WRONG: dict[str, dict[str, str]] = {}
RIGHT: dict[str, dict[str, str]] = {}


# ---- CausalConv1d ----
WRONG["CausalConv1d"] = {
    "padding_on_both_sides": '''
class CausalConv1d(nn.Conv1d):
    def __init__(self, in_channels, out_channels, kernel_size, dilation=1):
        super().__init__(in_channels, out_channels, kernel_size, dilation=dilation,
                         padding=(kernel_size - 1) * dilation // 2)
''',
    "dilation_ignored": '''
class CausalConv1d(nn.Conv1d):
    def __init__(self, in_channels, out_channels, kernel_size, dilation=1):
        super().__init__(in_channels, out_channels, kernel_size)
        self.left = kernel_size - 1

    def forward(self, x):
        return super().forward(F.pad(x, (self.left, 0)))
''',
    "padding_without_the_dilation": '''
class CausalConv1d(nn.Conv1d):
    def __init__(self, in_channels, out_channels, kernel_size, dilation=1):
        super().__init__(in_channels, out_channels, kernel_size, dilation=dilation)
        self.left = kernel_size - 1

    def forward(self, x):
        return super().forward(F.pad(x, (self.left, 0)))
''',
    "padding_on_the_right": '''
class CausalConv1d(nn.Conv1d):
    def __init__(self, in_channels, out_channels, kernel_size, dilation=1):
        super().__init__(in_channels, out_channels, kernel_size, dilation=dilation)
        self.pad = (kernel_size - 1) * dilation

    def forward(self, x):
        return super().forward(F.pad(x, (0, self.pad)))
''',
    "both_sides_padded_and_the_wrong_end_cropped": '''
class CausalConv1d(nn.Conv1d):
    def __init__(self, in_channels, out_channels, kernel_size, dilation=1):
        pad = (kernel_size - 1) * dilation
        super().__init__(in_channels, out_channels, kernel_size, dilation=dilation, padding=pad)

    def forward(self, x):
        return super().forward(x)[:, :, -x.shape[-1]:]
''',
    "shifted_by_one": '''
class CausalConv1d(nn.Conv1d):
    def __init__(self, in_channels, out_channels, kernel_size, dilation=1):
        super().__init__(in_channels, out_channels, kernel_size, dilation=dilation)
        self.left = (kernel_size - 1) * dilation + 1

    def forward(self, x):
        return super().forward(F.pad(x, (self.left, 0)))[:, :, :-1]
''',
    "taps_reversed": '''
class CausalConv1d(nn.Conv1d):
    def __init__(self, in_channels, out_channels, kernel_size, dilation=1):
        super().__init__(in_channels, out_channels, kernel_size, dilation=dilation)
        self.left = (kernel_size - 1) * dilation

    def forward(self, x):
        return F.conv1d(F.pad(x, (self.left, 0)), self.weight.flip(-1), self.bias, dilation=self.dilation)
''',
}

RIGHT["CausalConv1d"] = {
    "both_sides_padded_then_the_end_cropped": '''
class CausalConv1d(nn.Conv1d):
    def __init__(self, in_channels, out_channels, kernel_size, dilation=1):
        pad = (kernel_size - 1) * dilation
        super().__init__(in_channels, out_channels, kernel_size, dilation=dilation, padding=pad)

    def forward(self, x):
        return super().forward(x)[:, :, : x.shape[-1]]
''',
    "float64_loop_over_the_taps": '''
class CausalConv1d(nn.Conv1d):
    def __init__(self, in_channels, out_channels, kernel_size, dilation=1):
        super().__init__(in_channels, out_channels, kernel_size, dilation=dilation)

    def forward(self, x):
        k, d, length = self.kernel_size[0], self.dilation[0], x.shape[-1]
        xd = F.pad(x.double(), ((k - 1) * d, 0))
        y = self.bias.double()[None, :, None].expand(x.shape[0], -1, length).clone()
        for j in range(k):
            part = xd[:, :, j * d : j * d + length]
            y = y + torch.einsum("oi,bit->bot", self.weight[:, :, j].double(), part)
        return y.to(x.dtype)
''',
}


# ---- WaveNet ----
WRONG["WaveNet"] = {
    "dilations_all_one": '''
class WaveNet(nn.Module):
    def __init__(self, n_levels=32, n_layers=4, channels=16):
        super().__init__()
        self.n_levels, self.n_layers, self.channels = n_levels, n_layers, channels
        self.input = CausalConv1d(1, channels, 1)
        self.filters = nn.ModuleList(CausalConv1d(channels, channels, 2) for i in range(n_layers))
        self.gates = nn.ModuleList(CausalConv1d(channels, channels, 2) for i in range(n_layers))
        self.residuals = nn.ModuleList(nn.Conv1d(channels, channels, 1) for _ in range(n_layers))
        self.skips = nn.ModuleList(nn.Conv1d(channels, channels, 1) for _ in range(n_layers))
        self.output = nn.Conv1d(channels, n_levels, 1)

    def forward(self, x):
        h = self.input(x[:, None, :])
        skip = 0
        for f, g, r, s in zip(self.filters, self.gates, self.residuals, self.skips):
            z = torch.tanh(f(h)) * torch.sigmoid(g(h))
            h = h + r(z)
            skip = skip + s(z)
        return self.output(F.relu(skip))
''',
    "dilations_start_at_two": '''
class WaveNet(nn.Module):
    def __init__(self, n_levels=32, n_layers=4, channels=16):
        super().__init__()
        self.n_levels, self.n_layers, self.channels = n_levels, n_layers, channels
        self.input = CausalConv1d(1, channels, 1)
        self.filters = nn.ModuleList(CausalConv1d(channels, channels, 2, 2 ** (i + 1)) for i in range(n_layers))
        self.gates = nn.ModuleList(CausalConv1d(channels, channels, 2, 2 ** (i + 1)) for i in range(n_layers))
        self.residuals = nn.ModuleList(nn.Conv1d(channels, channels, 1) for _ in range(n_layers))
        self.skips = nn.ModuleList(nn.Conv1d(channels, channels, 1) for _ in range(n_layers))
        self.output = nn.Conv1d(channels, n_levels, 1)

    def forward(self, x):
        h = self.input(x[:, None, :])
        skip = 0
        for f, g, r, s in zip(self.filters, self.gates, self.residuals, self.skips):
            z = torch.tanh(f(h)) * torch.sigmoid(g(h))
            h = h + r(z)
            skip = skip + s(z)
        return self.output(F.relu(skip))
''',
    "input_kernel_two": '''
class WaveNet(nn.Module):
    def __init__(self, n_levels=32, n_layers=4, channels=16):
        super().__init__()
        self.n_levels, self.n_layers, self.channels = n_levels, n_layers, channels
        self.input = CausalConv1d(1, channels, 2)
        self.filters = nn.ModuleList(CausalConv1d(channels, channels, 2, dilation=2**i) for i in range(n_layers))
        self.gates = nn.ModuleList(CausalConv1d(channels, channels, 2, dilation=2**i) for i in range(n_layers))
        self.residuals = nn.ModuleList(nn.Conv1d(channels, channels, 1) for _ in range(n_layers))
        self.skips = nn.ModuleList(nn.Conv1d(channels, channels, 1) for _ in range(n_layers))
        self.output = nn.Conv1d(channels, n_levels, 1)

    def forward(self, x):
        h = self.input(x[:, None, :])
        skip = 0
        for f, g, r, s in zip(self.filters, self.gates, self.residuals, self.skips):
            z = torch.tanh(f(h)) * torch.sigmoid(g(h))
            h = h + r(z)
            skip = skip + s(z)
        return self.output(F.relu(skip))
''',
    "tanh_only_no_gate": '''
class WaveNet(nn.Module):
    def __init__(self, n_levels=32, n_layers=4, channels=16):
        super().__init__()
        self.n_levels, self.n_layers, self.channels = n_levels, n_layers, channels
        self.input = CausalConv1d(1, channels, 1)
        self.filters = nn.ModuleList(CausalConv1d(channels, channels, 2, dilation=2**i) for i in range(n_layers))
        self.gates = nn.ModuleList(CausalConv1d(channels, channels, 2, dilation=2**i) for i in range(n_layers))
        self.residuals = nn.ModuleList(nn.Conv1d(channels, channels, 1) for _ in range(n_layers))
        self.skips = nn.ModuleList(nn.Conv1d(channels, channels, 1) for _ in range(n_layers))
        self.output = nn.Conv1d(channels, n_levels, 1)

    def forward(self, x):
        h = self.input(x[:, None, :])
        skip = 0
        for f, g, r, s in zip(self.filters, self.gates, self.residuals, self.skips):
            z = torch.tanh(f(h))
            h = h + r(z)
            skip = skip + s(z)
        return self.output(F.relu(skip))
''',
    "skip_of_the_last_layer_only": '''
class WaveNet(nn.Module):
    def __init__(self, n_levels=32, n_layers=4, channels=16):
        super().__init__()
        self.n_levels, self.n_layers, self.channels = n_levels, n_layers, channels
        self.input = CausalConv1d(1, channels, 1)
        self.filters = nn.ModuleList(CausalConv1d(channels, channels, 2, dilation=2**i) for i in range(n_layers))
        self.gates = nn.ModuleList(CausalConv1d(channels, channels, 2, dilation=2**i) for i in range(n_layers))
        self.residuals = nn.ModuleList(nn.Conv1d(channels, channels, 1) for _ in range(n_layers))
        self.skips = nn.ModuleList(nn.Conv1d(channels, channels, 1) for _ in range(n_layers))
        self.output = nn.Conv1d(channels, n_levels, 1)

    def forward(self, x):
        h = self.input(x[:, None, :])
        for f, g, r, s in zip(self.filters, self.gates, self.residuals, self.skips):
            z = torch.tanh(f(h)) * torch.sigmoid(g(h))
            h = h + r(z)
            skip = s(z)
        return self.output(F.relu(skip))
''',
    "no_residual_connection": '''
class WaveNet(nn.Module):
    def __init__(self, n_levels=32, n_layers=4, channels=16):
        super().__init__()
        self.n_levels, self.n_layers, self.channels = n_levels, n_layers, channels
        self.input = CausalConv1d(1, channels, 1)
        self.filters = nn.ModuleList(CausalConv1d(channels, channels, 2, dilation=2**i) for i in range(n_layers))
        self.gates = nn.ModuleList(CausalConv1d(channels, channels, 2, dilation=2**i) for i in range(n_layers))
        self.residuals = nn.ModuleList(nn.Conv1d(channels, channels, 1) for _ in range(n_layers))
        self.skips = nn.ModuleList(nn.Conv1d(channels, channels, 1) for _ in range(n_layers))
        self.output = nn.Conv1d(channels, n_levels, 1)

    def forward(self, x):
        h = self.input(x[:, None, :])
        skip = 0
        for f, g, r, s in zip(self.filters, self.gates, self.residuals, self.skips):
            z = torch.tanh(f(h)) * torch.sigmoid(g(h))
            h = r(z)
            skip = skip + s(z)
        return self.output(F.relu(skip))
''',
    "logits_transposed": '''
class WaveNet(nn.Module):
    def __init__(self, n_levels=32, n_layers=4, channels=16):
        super().__init__()
        self.n_levels, self.n_layers, self.channels = n_levels, n_layers, channels
        self.input = CausalConv1d(1, channels, 1)
        self.filters = nn.ModuleList(CausalConv1d(channels, channels, 2, dilation=2**i) for i in range(n_layers))
        self.gates = nn.ModuleList(CausalConv1d(channels, channels, 2, dilation=2**i) for i in range(n_layers))
        self.residuals = nn.ModuleList(nn.Conv1d(channels, channels, 1) for _ in range(n_layers))
        self.skips = nn.ModuleList(nn.Conv1d(channels, channels, 1) for _ in range(n_layers))
        self.output = nn.Conv1d(channels, n_levels, 1)

    def forward(self, x):
        h = self.input(x[:, None, :])
        skip = 0
        for f, g, r, s in zip(self.filters, self.gates, self.residuals, self.skips):
            z = torch.tanh(f(h)) * torch.sigmoid(g(h))
            h = h + r(z)
            skip = skip + s(z)
        return self.output(F.relu(skip)).transpose(1, 2)
''',
}

RIGHT["WaveNet"] = {
    "one_convolution_for_filter_and_gate_outputs_split": '''
class WaveNet(nn.Module):
    def __init__(self, n_levels=32, n_layers=4, channels=16):
        super().__init__()
        self.n_levels, self.n_layers, self.channels = n_levels, n_layers, channels
        self.input = CausalConv1d(1, channels, 1)
        self.filters = nn.ModuleList([CausalConv1d(channels, channels, 2, dilation=2**i) for i in range(n_layers)])
        self.gates = nn.ModuleList([CausalConv1d(channels, channels, 2, dilation=2**i) for i in range(n_layers)])
        self.residuals = nn.ModuleList([nn.Conv1d(channels, channels, 1) for _ in range(n_layers)])
        self.skips = nn.ModuleList([nn.Conv1d(channels, channels, 1) for _ in range(n_layers)])
        self.output = nn.Conv1d(channels, n_levels, 1)

    def forward(self, x):
        h = self.input(x.unsqueeze(1))
        outs = []
        for i in range(self.n_layers):
            z = torch.tanh(self.filters[i](h)) * torch.sigmoid(self.gates[i](h))
            outs.append(self.skips[i](z))
            h = self.residuals[i](z) + h
        return self.output(torch.relu(torch.stack(outs).sum(0)))
''',
}


# ---- CausalSelfAttention ----
WRONG["CausalSelfAttention"] = {
    "mask_off_by_one_no_diagonal": '''
class CausalSelfAttention(nn.Module):
    def __init__(self, d_model, n_heads):
        super().__init__()
        self.d_model, self.n_heads, self.d_head = d_model, n_heads, d_model // n_heads
        self.attention = None
        self.query, self.key = nn.Linear(d_model, d_model), nn.Linear(d_model, d_model)
        self.value, self.out = nn.Linear(d_model, d_model), nn.Linear(d_model, d_model)

    def forward(self, x, cache=None):
        b, t, _ = x.shape
        split = (b, t, self.n_heads, self.d_head)
        q, k, v = (m(x).view(split).transpose(1, 2) for m in (self.query, self.key, self.value))
        past = 0
        if cache is not None:
            if "k" in cache:
                past = cache["k"].shape[2]
                k, v = torch.cat([cache["k"], k], 2), torch.cat([cache["v"], v], 2)
            cache["k"], cache["v"] = k.detach(), v.detach()
        scores = q @ k.transpose(-2, -1) / math.sqrt(self.d_head)
        hidden = torch.ones(t, past + t, dtype=torch.bool).triu(past)  # hides the diagonal too
        w = torch.softmax(scores.masked_fill(hidden, float("-inf")), dim=-1)
        self.attention = w.detach()
        return self.out((w @ v).transpose(1, 2).reshape(b, t, self.d_model))
''',
    "mask_off_by_one_sees_next": '''
class CausalSelfAttention(nn.Module):
    def __init__(self, d_model, n_heads):
        super().__init__()
        self.d_model, self.n_heads, self.d_head = d_model, n_heads, d_model // n_heads
        self.attention = None
        self.query, self.key = nn.Linear(d_model, d_model), nn.Linear(d_model, d_model)
        self.value, self.out = nn.Linear(d_model, d_model), nn.Linear(d_model, d_model)

    def forward(self, x, cache=None):
        b, t, _ = x.shape
        split = (b, t, self.n_heads, self.d_head)
        q, k, v = (m(x).view(split).transpose(1, 2) for m in (self.query, self.key, self.value))
        past = 0
        if cache is not None:
            if "k" in cache:
                past = cache["k"].shape[2]
                k, v = torch.cat([cache["k"], k], 2), torch.cat([cache["v"], v], 2)
            cache["k"], cache["v"] = k.detach(), v.detach()
        scores = q @ k.transpose(-2, -1) / math.sqrt(self.d_head)
        hidden = torch.ones(t, past + t, dtype=torch.bool).triu(past + 2)
        w = torch.softmax(scores.masked_fill(hidden, float("-inf")), dim=-1)
        self.attention = w.detach()
        return self.out((w @ v).transpose(1, 2).reshape(b, t, self.d_model))
''',
    "softmax_over_the_wrong_axis": '''
class CausalSelfAttention(nn.Module):
    def __init__(self, d_model, n_heads):
        super().__init__()
        self.d_model, self.n_heads, self.d_head = d_model, n_heads, d_model // n_heads
        self.attention = None
        self.query, self.key = nn.Linear(d_model, d_model), nn.Linear(d_model, d_model)
        self.value, self.out = nn.Linear(d_model, d_model), nn.Linear(d_model, d_model)

    def forward(self, x, cache=None):
        b, t, _ = x.shape
        split = (b, t, self.n_heads, self.d_head)
        q, k, v = (m(x).view(split).transpose(1, 2) for m in (self.query, self.key, self.value))
        past = 0
        if cache is not None:
            if "k" in cache:
                past = cache["k"].shape[2]
                k, v = torch.cat([cache["k"], k], 2), torch.cat([cache["v"], v], 2)
            cache["k"], cache["v"] = k.detach(), v.detach()
        scores = q @ k.transpose(-2, -1) / math.sqrt(self.d_head)
        hidden = torch.ones(t, past + t, dtype=torch.bool).triu(past + 1)
        w = torch.softmax(scores.masked_fill(hidden, float("-inf")), dim=-2)
        self.attention = w.detach()
        return self.out((w @ v).transpose(1, 2).reshape(b, t, self.d_model))
''',
    "no_scaling": '''
class CausalSelfAttention(nn.Module):
    def __init__(self, d_model, n_heads):
        super().__init__()
        self.d_model, self.n_heads, self.d_head = d_model, n_heads, d_model // n_heads
        self.attention = None
        self.query, self.key = nn.Linear(d_model, d_model), nn.Linear(d_model, d_model)
        self.value, self.out = nn.Linear(d_model, d_model), nn.Linear(d_model, d_model)

    def forward(self, x, cache=None):
        b, t, _ = x.shape
        split = (b, t, self.n_heads, self.d_head)
        q, k, v = (m(x).view(split).transpose(1, 2) for m in (self.query, self.key, self.value))
        past = 0
        if cache is not None:
            if "k" in cache:
                past = cache["k"].shape[2]
                k, v = torch.cat([cache["k"], k], 2), torch.cat([cache["v"], v], 2)
            cache["k"], cache["v"] = k.detach(), v.detach()
        scores = q @ k.transpose(-2, -1)
        hidden = torch.ones(t, past + t, dtype=torch.bool).triu(past + 1)
        w = torch.softmax(scores.masked_fill(hidden, float("-inf")), dim=-1)
        self.attention = w.detach()
        return self.out((w @ v).transpose(1, 2).reshape(b, t, self.d_model))
''',
    "scaled_by_sqrt_d_model": '''
class CausalSelfAttention(nn.Module):
    def __init__(self, d_model, n_heads):
        super().__init__()
        self.d_model, self.n_heads, self.d_head = d_model, n_heads, d_model // n_heads
        self.attention = None
        self.query, self.key = nn.Linear(d_model, d_model), nn.Linear(d_model, d_model)
        self.value, self.out = nn.Linear(d_model, d_model), nn.Linear(d_model, d_model)

    def forward(self, x, cache=None):
        b, t, _ = x.shape
        split = (b, t, self.n_heads, self.d_head)
        q, k, v = (m(x).view(split).transpose(1, 2) for m in (self.query, self.key, self.value))
        past = 0
        if cache is not None:
            if "k" in cache:
                past = cache["k"].shape[2]
                k, v = torch.cat([cache["k"], k], 2), torch.cat([cache["v"], v], 2)
            cache["k"], cache["v"] = k.detach(), v.detach()
        scores = q @ k.transpose(-2, -1) / math.sqrt(self.d_model)
        hidden = torch.ones(t, past + t, dtype=torch.bool).triu(past + 1)
        w = torch.softmax(scores.masked_fill(hidden, float("-inf")), dim=-1)
        self.attention = w.detach()
        return self.out((w @ v).transpose(1, 2).reshape(b, t, self.d_model))
''',
    "cache_appended_in_the_wrong_order": '''
class CausalSelfAttention(nn.Module):
    def __init__(self, d_model, n_heads):
        super().__init__()
        self.d_model, self.n_heads, self.d_head = d_model, n_heads, d_model // n_heads
        self.attention = None
        self.query, self.key = nn.Linear(d_model, d_model), nn.Linear(d_model, d_model)
        self.value, self.out = nn.Linear(d_model, d_model), nn.Linear(d_model, d_model)

    def forward(self, x, cache=None):
        b, t, _ = x.shape
        split = (b, t, self.n_heads, self.d_head)
        q, k, v = (m(x).view(split).transpose(1, 2) for m in (self.query, self.key, self.value))
        past = 0
        if cache is not None:
            if "k" in cache:
                past = cache["k"].shape[2]
                k, v = torch.cat([k, cache["k"]], 2), torch.cat([v, cache["v"]], 2)
            cache["k"], cache["v"] = k.detach(), v.detach()
        scores = q @ k.transpose(-2, -1) / math.sqrt(self.d_head)
        hidden = torch.ones(t, past + t, dtype=torch.bool).triu(past + 1)
        w = torch.softmax(scores.masked_fill(hidden, float("-inf")), dim=-1)
        self.attention = w.detach()
        return self.out((w @ v).transpose(1, 2).reshape(b, t, self.d_model))
''',
    "cache_ignores_the_past_in_the_mask": '''
class CausalSelfAttention(nn.Module):
    def __init__(self, d_model, n_heads):
        super().__init__()
        self.d_model, self.n_heads, self.d_head = d_model, n_heads, d_model // n_heads
        self.attention = None
        self.query, self.key = nn.Linear(d_model, d_model), nn.Linear(d_model, d_model)
        self.value, self.out = nn.Linear(d_model, d_model), nn.Linear(d_model, d_model)

    def forward(self, x, cache=None):
        b, t, _ = x.shape
        split = (b, t, self.n_heads, self.d_head)
        q, k, v = (m(x).view(split).transpose(1, 2) for m in (self.query, self.key, self.value))
        if cache is not None:
            if "k" in cache:
                k, v = torch.cat([cache["k"], k], 2), torch.cat([cache["v"], v], 2)
            cache["k"], cache["v"] = k.detach(), v.detach()
        scores = q @ k.transpose(-2, -1) / math.sqrt(self.d_head)
        n = k.shape[2]
        hidden = torch.ones(n, n, dtype=torch.bool).triu(1)[:t]  # the mask of the first t rows, not the last
        w = torch.softmax(scores.masked_fill(hidden, float("-inf")), dim=-1)
        self.attention = w.detach()
        return self.out((w @ v).transpose(1, 2).reshape(b, t, self.d_model))
''',
}

RIGHT["CausalSelfAttention"] = {
    "loops_over_heads_and_an_additive_mask": '''
class CausalSelfAttention(nn.Module):
    def __init__(self, d_model, n_heads):
        super().__init__()
        self.d_model, self.n_heads, self.d_head = d_model, n_heads, d_model // n_heads
        self.attention = None
        self.query = nn.Linear(d_model, d_model)
        self.key = nn.Linear(d_model, d_model)
        self.value = nn.Linear(d_model, d_model)
        self.out = nn.Linear(d_model, d_model)

    def forward(self, x, cache=None):
        q_all, k_all, v_all = self.query(x), self.key(x), self.value(x)
        if cache is not None:
            if "keys" in cache:
                k_all = torch.cat([cache["keys"], k_all], dim=1)
                v_all = torch.cat([cache["values"], v_all], dim=1)
            cache["keys"], cache["values"] = k_all.detach(), v_all.detach()
        t_new, t_all = x.shape[1], k_all.shape[1]
        rows = torch.arange(t_all - t_new, t_all)[:, None]
        cols = torch.arange(t_all)[None, :]
        additive = torch.where(cols <= rows, 0.0, -1e30).double()
        heads, weights = [], []
        for h in range(self.n_heads):
            part = slice(h * self.d_head, (h + 1) * self.d_head)
            q, k, v = q_all[..., part].double(), k_all[..., part].double(), v_all[..., part].double()
            w = torch.softmax(torch.einsum("btd,bsd->bts", q, k) / self.d_head ** 0.5 + additive, dim=-1)
            weights.append(w)
            heads.append(w @ v)
        self.attention = torch.stack(weights, dim=1).float().detach()
        return self.out(torch.cat(heads, dim=-1).float())
''',
    "sdpa_for_the_output": '''
class CausalSelfAttention(nn.Module):
    def __init__(self, d_model, n_heads):
        super().__init__()
        self.d_model, self.n_heads, self.d_head = d_model, n_heads, d_model // n_heads
        self.attention = None
        self.query, self.key = nn.Linear(d_model, d_model), nn.Linear(d_model, d_model)
        self.value, self.out = nn.Linear(d_model, d_model), nn.Linear(d_model, d_model)

    def forward(self, x, cache=None):
        b, t, _ = x.shape
        split = (b, t, self.n_heads, self.d_head)
        q, k, v = (m(x).view(split).transpose(1, 2) for m in (self.query, self.key, self.value))
        if cache is not None:
            if cache:
                k, v = torch.cat([cache["k"], k], 2), torch.cat([cache["v"], v], 2)
            cache.update(k=k.detach(), v=v.detach())
        n = k.shape[2]
        allowed = torch.ones(n, n, dtype=torch.bool).tril()[n - t :]
        y = F.scaled_dot_product_attention(q, k, v, attn_mask=allowed)
        scores = (q @ k.transpose(-2, -1)) * self.d_head ** -0.5
        self.attention = scores.masked_fill(~allowed, -math.inf).softmax(-1).detach()
        return self.out(y.transpose(1, 2).reshape(b, t, self.d_model))
''',
}


# ---- TinyGPT ----
WRONG["TinyGPT"] = {
    "no_position_embedding": '''
class TinyGPT(nn.Module):
    def __init__(self, vocab_size, d_model=32, n_heads=4, n_layers=2, max_len=256):
        super().__init__()
        self.vocab_size, self.d_model, self.max_len = vocab_size, d_model, max_len
        self.token = nn.Embedding(vocab_size, d_model)
        self.blocks = nn.ModuleList(
            nn.ModuleDict({"n1": nn.LayerNorm(d_model), "attn": CausalSelfAttention(d_model, n_heads),
                           "n2": nn.LayerNorm(d_model),
                           "mlp": nn.Sequential(nn.Linear(d_model, 4 * d_model), nn.GELU(),
                                                nn.Linear(4 * d_model, d_model))})
            for _ in range(n_layers))
        self.norm = nn.LayerNorm(d_model)
        self.head = nn.Linear(d_model, vocab_size)

    def forward(self, tokens, caches=None):
        x = self.token(tokens)
        for i, b in enumerate(self.blocks):
            x = x + b["attn"](b["n1"](x), None if caches is None else caches[i])
            x = x + b["mlp"](b["n2"](x))
        return self.head(self.norm(x))
''',
    "positions_restart_at_zero_with_a_cache": '''
class TinyGPT(nn.Module):
    def __init__(self, vocab_size, d_model=32, n_heads=4, n_layers=2, max_len=256):
        super().__init__()
        self.vocab_size, self.d_model, self.max_len = vocab_size, d_model, max_len
        self.token = nn.Embedding(vocab_size, d_model)
        self.position = nn.Embedding(max_len, d_model)
        self.blocks = nn.ModuleList(
            nn.ModuleDict({"n1": nn.LayerNorm(d_model), "attn": CausalSelfAttention(d_model, n_heads),
                           "n2": nn.LayerNorm(d_model),
                           "mlp": nn.Sequential(nn.Linear(d_model, 4 * d_model), nn.GELU(),
                                                nn.Linear(4 * d_model, d_model))})
            for _ in range(n_layers))
        self.norm = nn.LayerNorm(d_model)
        self.head = nn.Linear(d_model, vocab_size)

    def forward(self, tokens, caches=None):
        x = self.token(tokens) + self.position(torch.arange(tokens.shape[1]))
        for i, b in enumerate(self.blocks):
            x = x + b["attn"](b["n1"](x), None if caches is None else caches[i])
            x = x + b["mlp"](b["n2"](x))
        return self.head(self.norm(x))
''',
    "mlp_of_width_d": '''
class TinyGPT(nn.Module):
    def __init__(self, vocab_size, d_model=32, n_heads=4, n_layers=2, max_len=256):
        super().__init__()
        self.vocab_size, self.d_model, self.max_len = vocab_size, d_model, max_len
        self.token = nn.Embedding(vocab_size, d_model)
        self.position = nn.Embedding(max_len, d_model)
        self.blocks = nn.ModuleList(
            nn.ModuleDict({"n1": nn.LayerNorm(d_model), "attn": CausalSelfAttention(d_model, n_heads),
                           "n2": nn.LayerNorm(d_model),
                           "mlp": nn.Sequential(nn.Linear(d_model, d_model), nn.GELU(), nn.Linear(d_model, d_model))})
            for _ in range(n_layers))
        self.norm = nn.LayerNorm(d_model)
        self.head = nn.Linear(d_model, vocab_size)

    def forward(self, tokens, caches=None):
        past = caches[0]["k"].shape[2] if caches is not None and "k" in caches[0] else 0
        x = self.token(tokens) + self.position(torch.arange(past, past + tokens.shape[1]))
        for i, b in enumerate(self.blocks):
            x = x + b["attn"](b["n1"](x), None if caches is None else caches[i])
            x = x + b["mlp"](b["n2"](x))
        return self.head(self.norm(x))
''',
    "torch_encoder_layers_without_a_mask": '''
class TinyGPT(nn.Module):
    def __init__(self, vocab_size, d_model=32, n_heads=4, n_layers=2, max_len=256):
        super().__init__()
        self.vocab_size, self.d_model, self.max_len = vocab_size, d_model, max_len
        self.token = nn.Embedding(vocab_size, d_model)
        self.position = nn.Embedding(max_len, d_model)
        self.blocks = nn.ModuleList(
            nn.TransformerEncoderLayer(d_model, n_heads, 4 * d_model, dropout=0.0, batch_first=True, norm_first=True)
            for _ in range(n_layers))
        self.norm = nn.LayerNorm(d_model)
        self.head = nn.Linear(d_model, vocab_size)

    def forward(self, tokens, caches=None):
        x = self.token(tokens) + self.position(torch.arange(tokens.shape[1]))
        for block in self.blocks:
            x = block(x)
        return self.head(self.norm(x))
''',
}

RIGHT["TinyGPT"] = {
    "a_length_counter_in_the_cache_and_position_weights_sliced": '''
class TinyGPT(nn.Module):
    def __init__(self, vocab_size, d_model=32, n_heads=4, n_layers=2, max_len=256):
        super().__init__()
        self.vocab_size, self.d_model, self.max_len = vocab_size, d_model, max_len
        self.token = nn.Embedding(vocab_size, d_model)
        self.position = nn.Embedding(max_len, d_model)
        self.norms1 = nn.ModuleList([nn.LayerNorm(d_model) for _ in range(n_layers)])
        self.attns = nn.ModuleList([CausalSelfAttention(d_model, n_heads) for _ in range(n_layers)])
        self.norms2 = nn.ModuleList([nn.LayerNorm(d_model) for _ in range(n_layers)])
        self.mlps = nn.ModuleList([nn.Sequential(nn.Linear(d_model, 4 * d_model), nn.GELU(),
                                                 nn.Linear(4 * d_model, d_model)) for _ in range(n_layers)])
        self.blocks = self.attns  # one entry a block (section 6 counts the blocks)
        self.norm = nn.LayerNorm(d_model)
        self.head = nn.Linear(d_model, vocab_size)

    def forward(self, tokens, caches=None):
        t = tokens.shape[1]
        past = int(caches[-1].get("length", torch.tensor(0))) if caches is not None else 0
        x = self.token(tokens) + self.position.weight[past : past + t]
        for i in range(len(self.attns)):
            cache = None if caches is None else caches[i]
            x = x + self.attns[i](self.norms1[i](x), cache)
            x = x + self.mlps[i](self.norms2[i](x))
        if caches is not None:
            caches[-1]["length"] = torch.tensor(past + t)
        return self.head(self.norm(x))
''',
}
