"""Wrong-but-plausible solutions of lesson 06: the reference with one edit a student might
make. Each names the task whose points it must lose; `torchcamp course validate --run` grades
every one through the real grading path and fails if the graders accept it."""

from torchcamp.course.mutants import Mutant

MUTANTS = [
    Mutant(
        "06.net",
        "returns probabilities",
        "return self.linear2(self.relu(self.linear1(self.flatten(x))))",
        "return torch.softmax(self.linear2(self.relu(self.linear1(self.flatten(x)))), dim=1)",
        mistake="softmax_in_forward",
    ),
    Mutant(
        "06.net",
        "forgets the activation",
        "return self.linear2(self.relu(self.linear1(self.flatten(x))))",
        "return self.linear2(self.linear1(self.flatten(x)))",
        mistake="missing_activation",
    ),
    Mutant(
        "06.net",
        "normalizes across the batch",
        "return self.linear2(self.relu(self.linear1(self.flatten(x))))",
        "flat = self.flatten(x)\n        return self.linear2(self.relu(self.linear1(flat - flat.mean(dim=0))))",
    ),
    Mutant("06.relu", "works in place", "return torch.where(x > 0, x, torch.zeros_like(x))", "return x.clamp_(min=0)"),
    Mutant(
        "06.softmax",
        "overflows on large logits",
        "shifted = logits - logits.max(dim=-1, keepdim=True).values",
        "shifted = logits",
        mistake="overflow",
    ),
    Mutant("06.to_device", "never moves the model", "return Net().to(device)", "return Net()"),
    Mutant(
        "06.dynamic_net",
        "creates its layers inside forward",
        "        for layer in self.layers[:depth]:\n            x = torch.relu(layer(x))",
        "        for _ in range(depth):\n            x = torch.relu(nn.Linear(x.shape[-1], x.shape[-1])(x))",
        mistake="layers_in_forward",
    ),
    Mutant(
        "06.dynamic_net",
        "keeps its layers in a plain list",
        "self.layers = nn.ModuleList(nn.Linear(width, width) for _ in range(max_depth))",
        "self.layers = [nn.Linear(width, width) for _ in range(max_depth)]",
        mistake="plain_list",
    ),
    Mutant(
        "06.dynamic_net", "always uses every layer", "for layer in self.layers[:depth]:", "for layer in self.layers:"
    ),
]
