"""Q8–Q9: what is in DogSet, and which images of one breed a trained classifier finds hardest.

Q8 is read off the data: images per partition and breed, the number of breeds and their
names, the image size and the colour channels (and whether they actually differ, i.e.
whether the images are colour rather than grey stored as RGB).

Q9 picks a breed (by default the one the trained Q15 CNNs, one per seed, recognise worst on
the validation set, by mean recall) and shows the 3 validation images of that breed to which
the CNNs give the lowest mean probability of the true breed. The CNNs are loaded from
checkpoints/ when q15_dog_cnn.py saved them with the same settings and data, otherwise
trained here with q15's recipe. A DogSet with fewer breeds works: breeds without
validation images are left out of Q9 and named.

Writes results/q08.json, figures/q08_samples.png, figures/q08_counts.png and
figures/q09_challenging.png; the words are in answers/q08.py.
"""
from __future__ import annotations

import numpy as np

import q15_dog_cnn
from answers.q08 import draw_images
from answers.sheet import publish
from common.errors import UserError
from common.cli import run_main
from harness.dog_runs import TrainedDogModel, predict_proba, train_seeds
from harness.drivers import dog_data_facts, start_dog_question
from common.plots import save_figure
from common.runtime import run_metadata
from data.dogs import PARTITIONS, DogsDataset
from models import Dog_Classifier_Conv

HARD_IMAGES = 3


def explore(data: DogsDataset) -> dict:
    """Q8's facts, computed from the metadata and the pixels."""
    meta = data.metadata
    table = meta.groupby(["numeric_label", "semantic_label", "partition"]).size().unstack(fill_value=0)
    breeds = [{"numeric_label": int(n), "breed": name, **{p: int(row.get(p, 0)) for p in PARTITIONS},
               "total": int(row.sum())} for (n, name), row in table.iterrows()]
    pixels = np.concatenate([data.raw_images(p) for p in PARTITIONS])
    grey = np.all((pixels[..., 0] == pixels[..., 1]) & (pixels[..., 1] == pixels[..., 2]), axis=(1, 2))
    return {
        "images": int(len(meta)), "partition_counts": data.counts(), "breeds": breeds, "num_breeds": len(breeds),
        "image_shape": list(pixels.shape[1:]), "dtype": str(pixels.dtype),
        "channels": "RGB", "grey_images": int(grey.sum()), "colour_images": int((~grey).sum()),
        "channel_means_train_0_255": [round(float(v) * 255, 1) for v in data.mean],
        "channel_stds_train_0_255": [round(float(v) * 255, 1) for v in data.std],
    }


def hardest_images(data: DogsDataset, models: list[TrainedDogModel], breed: str | None) -> dict:
    """Q9's evidence from every seed's CNN: per-breed validation recall, the chosen breed and its
    images with the lowest mean probability of the true breed."""
    y = data.validY
    present = data.labels_in("valid")
    names = {data.get_semantic_label(k): k for k in present}
    probs = np.stack([predict_proba(m.model, q15_dog_cnn.dog_tensors(data).valid.x).numpy() for m in models])
    predicted = probs.argmax(axis=2)  # [seed, image]
    recall = {name: [float((p[y == k] == k).mean()) for p in predicted] for name, k in names.items()}
    mean_recall = {name: float(np.mean(v)) for name, v in recall.items()}
    worst_per_seed = [min(names, key=lambda b: recall[b][i]) for i in range(len(models))]
    chosen_by_flag = breed is not None  # a given breed was checked before training
    breed = breed or min(mean_recall, key=mean_recall.get)
    label = names[breed]
    rows = np.flatnonzero(y == label)
    p_true = probs[:, rows, label].mean(axis=0)
    order = rows[np.argsort(p_true)[:HARD_IMAGES]]
    per_seed_hardest = [set(rows[np.argsort(probs[i, rows, label])[:HARD_IMAGES]]) for i in range(len(models))]
    mean_probs = probs.mean(axis=0)
    consensus = mean_probs.argmax(axis=1)
    confusions = np.bincount(consensus[rows], minlength=10)
    confusions[label] = 0
    train_counts = np.bincount(data.trainY, minlength=10)
    others = [train_counts[k] for k in data.labels_in("train") if k != label]  # breeds absent from DogSet not counted
    raw = data.raw_images("valid")
    files = data.filenames("valid")
    images = [{
        "index": int(i), "filename": files[i], "predicted": data.get_semantic_label(int(consensus[i])),
        "p_predicted": float(mean_probs[i, consensus[i]]), "p_true": float(mean_probs[i, label]),
        "p_true_per_seed": [float(p) for p in probs[:, i, label]],
        "seeds_ranking_it_in_their_hardest_3": int(sum(i in hardest for hardest in per_seed_hardest)),
        "brightness": float(raw[i].mean()), "contrast": float(raw[i].std()),
    } for i in order]
    return {"breed": breed, "label": label, "seeds": [m.seed for m in models], "chosen_by_flag": chosen_by_flag,
            "cnn_test_acc": [m.test_acc for m in models], "validation_recall_per_seed": recall, "validation_recall_mean": mean_recall,
            "worst_breed_per_seed": worst_per_seed, "breeds_without_validation_images":
                [data.get_semantic_label(k) for k in sorted({k for p in PARTITIONS for k in data.labels_in(p)} - set(present))],
            "breed_validation_images": int(len(rows)), "breed_mean_brightness": float(raw[rows].mean()),
            "breed_mean_contrast": float(raw[rows].reshape(len(rows), -1).std(axis=1).mean()),
            "most_confused_with": data.get_semantic_label(int(confusions.argmax())),
            "most_confused_count": int(confusions.max()),
            "most_confused_tied_with": [data.get_semantic_label(int(k)) for k in np.flatnonzero(confusions == confusions.max())
                                        if k != confusions.argmax()] if confusions.max() else [], "breed_train_images": int(train_counts[label]),
            "median_train_images_other_breeds": float(np.median(others)) if others else None,
            "validation_predicted_as_breed_mean": float((predicted == label).sum(axis=1).mean()),
            "validation_images": int(len(y)), "images": images}


def check_breed(args, data: DogsDataset) -> None:
    """--breed, when given, must have validation images."""
    breeds = sorted(data.get_semantic_label(k) for k in data.labels_in("valid"))
    if args.breed is not None and args.breed not in breeds:
        raise UserError(f"--breed {args.breed!r} has no validation images in {data.path / 'dogs.csv'}; expected one "
                        f"of {', '.join(breeds)}")


def main() -> None:
    run = start_dog_question(__doc__, q15_dog_cnn.HOMEWORK, lambda parser: parser.add_argument(
        "--breed", default=None, help="breed for Q9 (default: the one the CNNs recognise worst)"), check_data=check_breed)
    args, settings, seeds, data, reasons, dest = run.args, run.settings, run.seeds, run.data, run.reasons, run.dest
    print(f"Data: {data.summary()}")
    q8 = explore(data)
    models = train_seeds(q15_dog_cnn.SCRIPT, data, seeds, settings, dest.checkpoints, threads=args.threads,
                         jobs=args.jobs)
    facts = {"data": data.summary(), "dogset": dog_data_facts(data), "seeds": list(seeds),
             "not_homework": "; ".join(reasons), "settings": settings.__dict__, "q8": q8,
             "q9": hardest_images(data, models, args.breed), "meta": run_metadata()}
    for name, figure in draw_images(facts, data).items():
        save_figure(figure, dest.folder / "figures" / name)
    publish(dest, "q08", facts)


if __name__ == "__main__":
    run_main(main)
