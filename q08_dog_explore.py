"""Q8–Q9: what is in DogSet, and which images of one breed a trained classifier finds hardest.

Q8 is read off the data: images per partition and breed, the number of breeds and their
names, the image size and the colour channels (and whether they actually differ, i.e.
whether the images are colour rather than grey stored as RGB).

Q9 picks a breed (by default the one the trained Q15 CNN recognises worst on the validation
set) and shows the 3 validation images of that breed to which the CNN gives the lowest
probability of the true breed. The CNN is loaded from checkpoints/ when q15_dog_cnn.py saved
one with the same settings and data, otherwise trained here with the same code.

Writes figures/q08_samples.png, figures/q08_counts.png, figures/q09_challenging.png and
results/q08.json.
"""
from __future__ import annotations

import numpy as np
import torch

from common.cli import UserError, base_parser, run_main
from common.dog_runs import add_dog_arguments, as_tensors, load_dogset, train_dog_model
from common.outputs import pick_device, run_metadata, save_figure, settings_of, write_json
from common.plots import plt
from common.training import predict_proba
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
    fig, axes = plt.subplots(10, SAMPLES_PER_BREED, figsize=(SAMPLES_PER_BREED * 1.3, 10 * 1.35))
    raw, labels = data.raw_images("train"), data.trainY
    for label in range(10):
        images = raw[labels == label][:SAMPLES_PER_BREED]
        for col, ax in enumerate(axes[label]):
            ax.axis("off")
            if col < len(images):
                ax.imshow(images[col])
        axes[label][0].set_title(data.get_semantic_label(label), fontsize=8, loc="left")
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


def hardest_images(data: DogsDataset, model: torch.nn.Module, breed: str | None) -> dict:
    """Q9's evidence: per-breed validation recall, the chosen breed, its lowest-p(true) images."""
    x, y = data.get_validation_examples()
    probs = predict_proba(model, as_tensors(x, y).x.to(pick_device())).cpu().numpy()
    predicted = probs.argmax(axis=1)
    recall = {data.get_semantic_label(k): float((predicted[y == k] == k).mean()) for k in range(10)}
    names = {data.get_semantic_label(k): k for k in range(10)}
    if breed is None:
        breed = min(recall, key=recall.get)
    elif breed not in names:
        raise UserError(f"--breed {breed!r} is not in DogSet; expected one of {', '.join(sorted(names))}")
    label = names[breed]
    rows = np.flatnonzero(y == label)
    p_true = probs[rows, label]
    order = rows[np.argsort(p_true)[:HARD_IMAGES]]
    confusions = np.bincount(predicted[rows], minlength=10)
    confusions[label] = 0
    train_counts = np.bincount(data.trainY, minlength=10)
    raw = data.raw_images("valid")
    breed_brightness = float(raw[rows].mean())
    files = data.filenames("valid")
    images = [{
        "index": int(i), "filename": files[i], "predicted": data.get_semantic_label(int(predicted[i])),
        "p_predicted": float(probs[i, predicted[i]]), "p_true": float(probs[i, label]),
        "brightness": float(raw[i].mean()), "contrast": float(raw[i].std()),
    } for i in order]
    return {"breed": breed, "label": label, "selection": "validation images of the breed with the lowest CNN "
            "probability of the true breed", "validation_recall": recall, "breed_validation_images": int(len(rows)),
            "breed_mean_brightness": breed_brightness,
            "breed_mean_contrast": float(raw[rows].reshape(len(rows), -1).std(axis=1).mean()),
            "most_confused_with": data.get_semantic_label(int(confusions.argmax())),
            "most_confused_count": int(confusions.max()), "breed_train_images": int(train_counts[label]),
            "median_train_images_other_breeds": float(np.median(np.delete(train_counts, label))),
            "validation_predicted_as_breed": int((predicted == label).sum()), "validation_images": int(len(y)),
            "images": images}


def explain(q9: dict) -> str:
    """Q9's answer, worded from the evidence."""
    breed, n = q9["breed"], q9["breed_validation_images"]
    text = [f"Breed: {breed}, the breed the CNN recognises worst on the validation set "
            f"({q9['validation_recall'][breed]:.0%} of its {n} validation images correct; most often mistaken for "
            f"{q9['most_confused_with']}, {q9['most_confused_count']} times)."]
    for k, image in enumerate(q9["images"], 1):
        light = image["brightness"] - q9["breed_mean_brightness"]
        contrast = image["contrast"] - q9["breed_mean_contrast"]
        text.append(f"Image {k} ({image['filename']}): p({breed}) = {image['p_true']:.3f}, predicted "
                    f"{image['predicted']} with p = {image['p_predicted']:.2f}; it is "
                    f"{'brighter' if light > 0 else 'darker'} than the breed's average by {abs(light):.0f} grey levels "
                    f"and has {'more' if contrast > 0 else 'less'} contrast (std {image['contrast']:.0f} vs "
                    f"{q9['breed_mean_contrast']:.0f}).")
    if q9["breed_train_images"] < 0.5 * q9["median_train_images_other_breeds"]:
        text.append(f"The main cause is in the data: {breed} has only {q9['breed_train_images']} training images "
                    f"against a median of {q9['median_train_images_other_breeds']:.0f} for the other breeds, so the "
                    f"network seldom predicts it at all ({q9['validation_predicted_as_breed']} of the "
                    f"{q9['validation_images']:,} validation images are predicted {breed}).")
    text.append("Beyond that, at 64×64 pixels the network has little besides colour, brightness and coarse shape to "
                "go on, so an image whose colours, lighting or framing match another breed's typical pictures better "
                "than its own breed's is given to that breed with confidence.")
    return " ".join(text)


def plot_hard(data: DogsDataset, q9: dict, subtitle: str):
    fig, axes = plt.subplots(1, len(q9["images"]), figsize=(3.2 * len(q9["images"]), 3.9))
    raw = data.raw_images("valid")
    for ax, image in zip(np.atleast_1d(axes), q9["images"]):
        ax.imshow(raw[image["index"]], interpolation="nearest")
        ax.set_title(f"{image['filename']}\ntrue: {q9['breed']}\npredicted: {image['predicted']} "
                     f"({image['p_predicted']:.2f})\np(true) = {image['p_true']:.3f}", fontsize=8)
        ax.axis("off")
    fig.suptitle(f"Q9: the {q9['breed']} validation images the CNN finds hardest", fontsize=10)
    fig.text(0.5, 0.01, subtitle, ha="center", fontsize=7)
    fig.tight_layout(rect=(0, 0.04, 1, 0.95))
    return fig


def main() -> None:
    parser = base_parser(__doc__)
    add_dog_arguments(parser)
    parser.add_argument("--breed", default=None, help="breed for Q9 (default: the one the CNN recognises worst)")
    args = parser.parse_args()
    data = load_dogset(args)
    print(f"Data: {data.summary()}")
    subtitle = f"Data: {data.summary()}"
    q8 = explore(data)
    trained = train_dog_model(args, "cnn", data, reuse=True)
    q9 = hardest_images(data, trained.model, args.breed)
    q9["model"] = f"Q15 CNN ({'checkpoint from q15' if trained.reused else 'trained now'}), test accuracy {trained.test_acc:.1%}"
    q9["answer"] = explain(q9)
    write_json(args.out / "results" / "q08.json", {
        "question": "Q8-Q9", "data_path": str(data.path), "data_source": data.source, "settings": settings_of(args),
        "q8": q8, "q9": q9, "meta": run_metadata(pick_device())})
    save_figure(plot_samples(data, subtitle), args.out / "figures" / "q08_samples.png")
    save_figure(plot_counts(q8, subtitle), args.out / "figures" / "q08_counts.png")
    save_figure(plot_hard(data, q9, subtitle), args.out / "figures" / "q09_challenging.png")

    print(f"Q8: {q8['images']:,} images of {q8['num_breeds']} breeds, each {q8['image_shape'][0]}×"
          f"{q8['image_shape'][1]} pixels with {q8['image_shape'][2]} colour channels (RGB, uint8); "
          f"{q8['colour_images']:,} images are in colour and {q8['grey_images']} are grey stored as RGB. "
          f"Partitions: " + ", ".join(f"{p} {c:,}" for p, c in q8["partition_counts"].items()) + ".")
    for b in q8["breeds"]:
        print(f"    {b['numeric_label']} {b['breed']:<18} train {b['train']:4d}  valid {b['valid']:4d}  "
              f"test {b['test']:4d}  total {b['total']:5d}")
    print(f"Q9 ({q9['model']}): {q9['answer']}")


if __name__ == "__main__":
    run_main(main)
