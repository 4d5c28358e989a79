"""Bayes by Backprop for the bench's LM in PyTorch, as the `bbb` contender trains ours.

A diagonal Gaussian posterior on every weight but the softmax bias (Fortunato et al. 2017,
papers.md §1): sigma = softplus(rho) + 1e-5, one draw theta = mu + sigma * eps per window, and
the single-sample KL sum(log q(theta) - log p(theta)) under the scale-mixture prior
pi N(0, sigma1^2) + (1 - pi) N(0, sigma2^2) with pi = 0.25, sigma1 = e^-1, sigma2 = e^-7 (the
official example's), divided by batch x windows per epoch. sigma starts uniform in
[s/4, s/2], s the prior's standard deviation, as our posterior's default.

It exists as a side-by-side anchor for our BBB/plain ratio: what the same extra work costs
in PyTorch's eager CPU kernels, measured in the same run.
"""

import math

import torch
from torch import nn
from torch.nn import functional as F

PI, SIGMA1, SIGMA2 = 0.25, math.exp(-1.0), math.exp(-7.0)
SIGMA_FLOOR = 1e-5
HALF_LOG_TWO_PI = 0.5 * math.log(2.0 * math.pi)


def scale_mixture_log_prob(theta):
    """log(pi N(theta | 0, sigma1^2) + (1 - pi) N(theta | 0, sigma2^2)), element-wise."""
    squared = theta * theta
    wide = math.log(PI) - math.log(SIGMA1) - HALF_LOG_TWO_PI - squared / (2 * SIGMA1 * SIGMA1)
    narrow = math.log(1 - PI) - math.log(SIGMA2) - HALF_LOG_TWO_PI - squared / (2 * SIGMA2 * SIGMA2)
    return torch.logaddexp(wide, narrow)


def weight_shapes(vocab, embedding, hidden, layers):
    """The Bayesian weights by name, the LSTM's in torch's flat-weight order."""
    shapes = {"embedding": (vocab, embedding)}
    for layer in range(layers):
        inputs = embedding if layer == 0 else hidden
        shapes[f"weight_ih_l{layer}"] = (4 * hidden, inputs)
        shapes[f"weight_hh_l{layer}"] = (4 * hidden, hidden)
        shapes[f"bias_ih_l{layer}"] = (4 * hidden,)
        shapes[f"bias_hh_l{layer}"] = (4 * hidden,)
    shapes["softmax"] = (vocab, hidden)
    return shapes


class BayesianLanguageModel(nn.Module):
    """Embedding -> layers x LSTM -> linear softmax, each weight drawn from its posterior."""

    def __init__(self, vocab, embedding, hidden, layers):
        super().__init__()
        self.layers = layers
        shapes = weight_shapes(vocab, embedding, hidden, layers)
        self.names = list(shapes)
        self.lstm_names = [name for name in self.names if name not in ("embedding", "softmax")]
        prior_std = math.sqrt(PI * SIGMA1 * SIGMA1 + (1 - PI) * SIGMA2 * SIGMA2)

        def rho(shape):
            sigma = torch.empty(shape).uniform_(prior_std / 4, prior_std / 2)
            return nn.Parameter(torch.log(torch.expm1(sigma - SIGMA_FLOOR)))

        self.mu = nn.ParameterDict(
            {name: nn.Parameter(torch.empty(shape).uniform_(-0.1, 0.1)) for name, shape in shapes.items()}
        )
        self.rho = nn.ParameterDict({name: rho(shape) for name, shape in shapes.items()})
        self.softmax_bias = nn.Parameter(torch.empty(vocab).uniform_(-0.1, 0.1))

    def draw(self):
        """One reparameterised draw of every weight, and its single-sample KL (a scalar)."""
        thetas, kl = {}, 0.0
        for name in self.names:
            mu, rho = self.mu[name], self.rho[name]
            sigma = F.softplus(rho) + SIGMA_FLOOR
            eps = torch.randn_like(mu)
            theta = mu + sigma * eps
            log_q = -torch.log(sigma) - HALF_LOG_TWO_PI - 0.5 * eps * eps
            kl = kl + (log_q - scale_mixture_log_prob(theta)).sum()
            thetas[name] = theta
        return thetas, kl

    def forward(self, inputs, state, thetas):
        embedded = F.embedding(inputs, thetas["embedding"])
        flat = [thetas[name] for name in self.lstm_names]
        # nn.LSTM's own kernel with the drawn weights (what nn.LSTM.forward calls).
        outputs, h, c = torch._VF.lstm(embedded, state, flat, True, self.layers, 0.0, True, False, True)
        return F.linear(outputs, thetas["softmax"], self.softmax_bias), (h, c)
