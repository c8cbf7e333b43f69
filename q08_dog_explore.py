"""Q8–Q9: what is in DogSet, and which images of one breed a trained classifier finds hardest.

Q8 is read off the data: images per partition and breed, the number of breeds and their
names, the image size and the colour channels (and whether they actually differ, i.e.
whether the images are colour rather than grey stored as RGB).

Q9 picks a breed (by default the one the trained Q15 CNNs, one per seed, recognise worst on
the validation set, by mean recall) and shows the 3 validation images of that breed to which
the CNNs give the lowest mean probability of the true breed. The CNNs are loaded from
checkpoints/ when q15_dog_cnn.py saved them with the same settings and data, otherwise
trained here with the same code. A DogSet with fewer breeds works: breeds without
validation images are left out of Q9 and named.

Writes figures/q08_samples.png, figures/q08_counts.png, figures/q09_challenging.png and
results/q08.json.
"""
from __future__ import annotations

import numpy as np

from common.answer_sheet import finish
from common.base import UserError
from common.cli import add_dog_flags, base_parser, run_main, seeds_note, settings_from, unique_seeds
from common.dog_report import data_note
from common.dog_runs import DogSettings, TrainedDogModel, image_dataset, load_dogset, train_seeds
from common.outputs import choose_destination, pick_device, run_metadata, write_json
from common.plots import plt, save_figure
from common.stats import agree, pct_spread, seed_list
from common.training import predict_proba, torch_threads
from data.dogs import PARTITIONS, DogsDataset

SAMPLES_PER_BREED = 6
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


def plot_samples(data: DogsDataset, subtitle: str):
    breeds = data.labels_in("train")
    fig, axes = plt.subplots(len(breeds), SAMPLES_PER_BREED, figsize=(SAMPLES_PER_BREED * 1.3, len(breeds) * 1.35),
                             squeeze=False)
    raw, labels = data.raw_images("train"), data.trainY
    for row, label in enumerate(breeds):
        images = raw[labels == label][:SAMPLES_PER_BREED]
        for col, ax in enumerate(axes[row]):
            ax.axis("off")
            if col < len(images):
                ax.imshow(images[col])
        axes[row][0].set_title(data.get_semantic_label(label), fontsize=8, loc="left")
    fig.suptitle(f"DogSet: the first {SAMPLES_PER_BREED} training images of each breed", fontsize=10)
    fig.text(0.5, 0.005, subtitle, ha="center", fontsize=6)
    fig.tight_layout(rect=(0, 0.015, 1, 0.98))
    return fig


def plot_counts(q8: dict, subtitle: str):
    fig, ax = plt.subplots(figsize=(8, 4.5))
    names = [b["breed"] for b in q8["breeds"]]
    left = np.zeros(len(names))
    for partition in PARTITIONS:
        values = np.array([b[partition] for b in q8["breeds"]])
        ax.barh(names, values, left=left, label=partition)
        left += values
    ax.invert_yaxis()  # breed 0 at the top, as in the table
    ax.set(xlabel="images", title="DogSet: images per breed and partition", xlim=(0, left.max() * 1.25))
    ax.legend(loc="lower right")
    fig.suptitle(subtitle, fontsize=8, y=0.0, va="top")
    return fig


def hardest_images(data: DogsDataset, models: list[TrainedDogModel], breed: str | None) -> dict:
    """Q9's evidence from every seed's CNN: per-breed validation recall, the chosen breed and its
    images with the lowest mean probability of the true breed."""
    x, y = data.get_validation_examples()
    present = data.labels_in("valid")
    names = {data.get_semantic_label(k): k for k in present}
    with torch_threads(None):
        probs = np.stack([predict_proba(m.model, image_dataset(x, y).x.to(pick_device())).cpu().numpy() for m in models])
    predicted = probs.argmax(axis=2)  # [seed, image]
    recall = {name: [float((p[y == k] == k).mean()) for p in predicted] for name, k in names.items()}
    mean_recall = {name: float(np.mean(v)) for name, v in recall.items()}
    worst_per_seed = [min(names, key=lambda b: recall[b][i]) for i in range(len(models))]
    breed = breed or min(mean_recall, key=mean_recall.get)  # a given breed was checked before training
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
    raw = data.raw_images("valid")
    files = data.filenames("valid")
    images = [{
        "index": int(i), "filename": files[i], "predicted": data.get_semantic_label(int(consensus[i])),
        "p_predicted": float(mean_probs[i, consensus[i]]), "p_true": float(mean_probs[i, label]),
        "p_true_per_seed": [float(p) for p in probs[:, i, label]],
        "seeds_ranking_it_in_their_hardest_3": int(sum(i in hardest for hardest in per_seed_hardest)),
        "brightness": float(raw[i].mean()), "contrast": float(raw[i].std()),
    } for i in order]
    return {"breed": breed, "label": label, "seeds": [m.seed for m in models],
            "selection": f"the breed with the lowest mean validation recall over the {len(models)} CNNs, and its "
                         f"validation images with the lowest mean probability of the true breed",
            "validation_recall_per_seed": recall, "validation_recall_mean": mean_recall,
            "worst_breed_per_seed": worst_per_seed, "breeds_without_validation_images":
                [data.get_semantic_label(k) for k in sorted(set(range(10)) - set(present))],
            "breed_validation_images": int(len(rows)), "breed_mean_brightness": float(raw[rows].mean()),
            "breed_mean_contrast": float(raw[rows].reshape(len(rows), -1).std(axis=1).mean()),
            "most_confused_with": data.get_semantic_label(int(confusions.argmax())),
            "most_confused_count": int(confusions.max()), "breed_train_images": int(train_counts[label]),
            "median_train_images_other_breeds": float(np.median(np.delete(train_counts, label))),
            "validation_predicted_as_breed_mean": float((predicted == label).sum(axis=1).mean()),
            "validation_images": int(len(y)), "images": images}


def explain(q9: dict) -> str:
    """Q9's answer, worded from the evidence."""
    breed, n, seeds = q9["breed"], q9["breed_validation_images"], len(q9["seeds"])
    same = sum(b == breed for b in q9["worst_breed_per_seed"])
    text = [f"Breed: **{breed}**, the breed the CNNs recognise worst on the validation set: "
            f"{pct_spread(q9['validation_recall_per_seed'][breed], 0)} of its {n} validation images correct over "
            f"{seeds} seed{'s' * (seeds > 1)}; it is the worst breed for {agree(same, seeds)}"
            + ("" if same == seeds else f" (the others: {', '.join(b for b in q9['worst_breed_per_seed'] if b != breed)})")
            + f". By the seeds' averaged prediction it is most often mistaken for {q9['most_confused_with']} "
              f"({q9['most_confused_count']} images)."]
    if q9["breeds_without_validation_images"]:
        text.append(f"Breeds without validation images, left out: {', '.join(q9['breeds_without_validation_images'])}.")
    for k, image in enumerate(q9["images"], 1):
        light = image["brightness"] - q9["breed_mean_brightness"]
        contrast = image["contrast"] - q9["breed_mean_contrast"]
        text.append(f"Image {k} ({image['filename']}): mean p({breed}) = {image['p_true']:.3f} over the seeds, among the "
                    f"3 hardest for {agree(image['seeds_ranking_it_in_their_hardest_3'], seeds)}; taken for "
                    f"{image['predicted']} (mean p = {image['p_predicted']:.2f}). It is "
                    f"{'brighter' if light > 0 else 'darker'} than the breed's average by {abs(light):.0f} grey levels "
                    f"and has {'more' if contrast > 0 else 'less'} contrast (std {image['contrast']:.1f} vs "
                    f"{q9['breed_mean_contrast']:.1f}).")
    if q9["breed_train_images"] < 0.5 * q9["median_train_images_other_breeds"]:
        text.append(f"The main cause is in the data: {breed} has only {q9['breed_train_images']} training images "
                    f"against a median of {q9['median_train_images_other_breeds']:.0f} for the other breeds, so the "
                    f"networks seldom predict it at all (on average {q9['validation_predicted_as_breed_mean']:.0f} of the "
                    f"{q9['validation_images']:,} validation images are predicted {breed}).")
    text.append("Beyond that, at 64×64 pixels the network has little besides colour, brightness and coarse shape to "
                "go on, so an image whose colours, lighting or framing match another breed's typical pictures better "
                "than its own breed's is given to that breed with confidence.")
    return " ".join(text)


def answer_q8(q8: dict, data: DogsDataset) -> str:
    c = q8["partition_counts"]
    return "\n".join([
        f"Data: {data_note(data)}.", "",
        f"- **Images:** {q8['images']:,}: train {c['train']:,}, valid {c['valid']:,}, test {c['test']:,}.",
        f"- **Breeds:** {q8['num_breeds']}: " + ", ".join(f"{b['breed']} ({b['numeric_label']})" for b in q8["breeds"]) + ".",
        f"- **Image format:** {q8['image_shape'][0]}×{q8['image_shape'][1]} pixels, {q8['image_shape'][2]} channels "
        f"({q8['channels']}), {q8['dtype']} values 0–255.",
        f"- **Colour palette:** {q8['colour_images']:,} images have channels that differ (real colour); "
        f"{q8['grey_images']} are grey stored as RGB. Mean pixel per channel on the training set (R, G, B): "
        f"{', '.join(str(v) for v in q8['channel_means_train_0_255'])}; standard deviation "
        f"{', '.join(str(v) for v in q8['channel_stds_train_0_255'])}.", "",
        "| # | breed | train | valid | test | total |", "|---:|---|---:|---:|---:|---:|",
        *[f"| {b['numeric_label']} | {b['breed']} | {b['train']} | {b['valid']} | {b['test']} | {b['total']} |"
          for b in q8["breeds"]],
    ])


def plot_hard(data: DogsDataset, q9: dict, subtitle: str):
    fig, axes = plt.subplots(1, len(q9["images"]), figsize=(3.2 * len(q9["images"]), 3.9))
    raw = data.raw_images("valid")
    for ax, image in zip(np.atleast_1d(axes), q9["images"]):
        ax.imshow(raw[image["index"]], interpolation="nearest")
        ax.set_title(f"{image['filename']}\ntrue: {q9['breed']}\npredicted: {image['predicted']} "
                     f"({image['p_predicted']:.2f})\nmean p(true) = {image['p_true']:.3f}", fontsize=8)
        ax.axis("off")
    fig.suptitle(f"Q9: the {q9['breed']} validation images the CNNs of {seed_list(q9['seeds'])} find hardest "
                 f"(mean over seeds)", fontsize=10)
    fig.text(0.5, 0.01, subtitle, ha="center", fontsize=7)
    fig.tight_layout(rect=(0, 0.04, 1, 0.95))
    return fig


def main() -> None:
    parser = base_parser(__doc__, seeds=True)
    add_dog_flags(parser, DogSettings())
    parser.add_argument("--breed", default=None, help="breed for Q9 (default: the one the CNNs recognise worst)")
    args = parser.parse_args()
    settings, seeds = settings_from(DogSettings, args), unique_seeds(args.seeds)
    data = load_dogset(args.dogset, args.cache_dir, args.quiet)
    breeds = sorted(data.get_semantic_label(k) for k in data.labels_in("valid"))
    if args.breed is not None and args.breed not in breeds:
        raise UserError(f"--breed {args.breed!r} has no validation images in {data.path / 'dogs.csv'}; expected one "
                        f"of {', '.join(breeds)}")
    reasons = settings.differences_from_homework() + seeds_note(seeds) + ([f"--breed {args.breed}"] if args.breed else [])
    dest = choose_destination(args.out, reasons)
    print(f"Data: {data.summary()}")
    subtitle = f"Data: {data.summary()}"
    q8 = explore(data)
    models = train_seeds("cnn", data, seeds, settings, dest.checkpoints, progress=not args.quiet, jobs=args.jobs)
    q9 = hardest_images(data, models, args.breed)
    q9["model"] = f"the Q15 CNN, {seed_list(seeds)}, test accuracy {pct_spread([m.test_acc for m in models])}"
    answers = {"Q8": answer_q8(q8, data), "Q9": f"Chosen by evidence, not by eye: {q9['selection']} ({q9['model']}).\n\n"
                                                 + explain(q9)}
    save_figure(plot_samples(data, subtitle), dest.folder / "figures" / "q08_samples.png")
    save_figure(plot_counts(q8, subtitle), dest.folder / "figures" / "q08_counts.png")
    save_figure(plot_hard(data, q9, subtitle), dest.folder / "figures" / "q09_challenging.png")
    write_json(dest.folder / "results" / "q08.json", {
        "script": "q08_dog_explore.py", "data": data.summary(), "seeds": list(seeds), "not_homework": "; ".join(reasons),
        "settings": settings.__dict__, "answers": answers,
        "figures": {"Q8": [["q08_counts.png", "images per breed and partition"],
                           ["q08_samples.png", "sample training images of each breed"]],
                    "Q9": [["q09_challenging.png", "the hardest validation images of the chosen breed"]]},
        "q8": q8, "q9": q9, "meta": run_metadata(pick_device())})
    for question, answer in answers.items():
        print(f"\n{question}: {answer}")
    finish(dest)


if __name__ == "__main__":
    run_main(main)
