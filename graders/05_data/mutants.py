"""Wrong-but-plausible solutions of lesson 05: the reference with one edit a student might
make. Each names the task whose points it must lose; `torchcamp course validate --run` grades
every one through the real grading path and fails if the graders accept it."""

from torchcamp.course.mutants import Mutant

MUTANTS = [
    Mutant(
        "05.transform",
        "swaps mean and std",
        "transforms.Normalize((MNIST_MEAN,), (MNIST_STD,))",
        "transforms.Normalize((MNIST_STD,), (MNIST_MEAN,))",
    ),
    Mutant(
        "05.dataset",
        "always reads the training split",
        "datasets.MNIST(root, train=train,",
        "datasets.MNIST(root, train=True,",
    ),
    Mutant(
        "05.loader",
        "always shuffles, with the global generator",
        "DataLoader(dataset, batch_size=batch_size, shuffle=shuffle, generator=torch.Generator().manual_seed(seed))",
        "DataLoader(dataset, batch_size=batch_size, shuffle=True)",
        mistake="global_generator",
    ),
    Mutant(
        "05.stats",
        "population standard deviation",
        "scaled.std().item()",
        "scaled.std(correction=0).item()",
        mistake="population_std",
    ),
    Mutant(
        "05.stats",
        "forgets to scale to [0, 1]",
        "scaled = images.float() / 255",
        "scaled = images.float()",
        mistake="not_scaled",
    ),
]
