"""Q8–Q9 in words and figures: what DogSet holds, and the three images of one breed the CNNs
find hardest. Facts from q08_dog_explore.py (results/q08.json); two figures show DogSet's
images and so also need the DogSet folder (`draw_images`)."""
from __future__ import annotations

import statistics

from answers.dogs import data_note
from answers.words import agree, compare, pct_spread, plural, sample_noise, seed_list, sentence, span

SAMPLES_PER_BREED = 6
OLD_SHEET_Q8 = {"train": 7665, "valid": 2000, "test": 555}  # the old answer sheet's Q8 counts
SCARCE = 0.5  # a breed with fewer training images than this share of the other breeds' median is scarce


def split(counts: dict) -> str:
    """'train 7,665 / valid 2,000 / test 555'."""
    return " / ".join(f"{p} {counts[p]:,}" for p in ("train", "valid", "test"))


def headline(q8: dict) -> str:
    """Q8 as the homework asks it: the split, the number of breeds and the image format."""
    height, width, channels = q8["image_shape"]
    return (f"**{sentence(split(q8['partition_counts']))} ({q8['images']:,} images); {q8['num_breeds']} breeds; "
            f"{height}×{width} pixels, {channels} channels ({q8['channels']}).**")


def answer_q8(facts: dict) -> str:
    q8 = facts["q8"]
    return "\n".join([
        f"Data: {data_note(facts['dogset'])}.", "", headline(q8), "",
        f"- **Breeds:** {q8['num_breeds']}: " + ", ".join(f"{b['breed']} ({b['numeric_label']})" for b in q8["breeds"])
        + f"; {span([b['train'] for b in q8['breeds']], '{:,}')} training images per breed.",
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


def describe_image(k: int, image: dict, q9: dict) -> str:
    """One hard image: its probabilities, what it was taken for, and how it differs from its breed."""
    breed, seeds = q9["breed"], len(q9["seeds"])
    light, mean_light = image["brightness"], q9["breed_mean_brightness"]
    # the difference is what is shown, so it decides: never "brighter by 0 grey levels"
    levels = plural(int(f"{abs(light - mean_light):.0f}"), "grey level")
    brightness = compare(light - mean_light, 0.0, "{:.0f}", f"brighter than the breed's average by {levels}",
                         f"darker than the breed's average by {levels}", "about as bright as the breed's average")
    contrast = compare(image["contrast"], q9["breed_mean_contrast"], "{:.1f}", "more contrast", "less contrast",
                       "about the same contrast")
    return (f"Image {k} ({image['filename']}): mean p({breed}) = {image['p_true']:.3f} over the seeds, among the 3 hardest "
            f"for {agree(image['seeds_ranking_it_in_their_hardest_3'], seeds)}; "
            f"{'still predicted ' + breed if image['predicted'] == breed else 'taken for ' + image['predicted']} (mean "
            f"p = {image['p_predicted']:.2f}). It is {brightness} and has {contrast} (std {image['contrast']:.1f} vs "
            f"{q9['breed_mean_contrast']:.1f}).")


def answer_q9(facts: dict) -> str:
    q9 = facts["q9"]
    breed, n, seeds = q9["breed"], q9["breed_validation_images"], len(q9["seeds"])
    same = sum(b == breed for b in q9["worst_breed_per_seed"])
    tied = q9.get("most_confused_tied_with", [])  # breeds as often mistaken for; results from before ties were kept name none
    how = ("the breed given by --breed" if q9["chosen_by_flag"] else
           f"the breed with the lowest mean validation recall over the {plural(seeds, 'CNN')}")
    text = [f"Chosen by evidence, not by eye: {how}, and its validation images with the lowest mean probability of the "
            f"true breed (the Q15 CNN, {seed_list(q9['seeds'])}, test accuracy {pct_spread(q9['cnn_test_acc'])}; "
            f"{sample_noise(statistics.fmean(q9['cnn_test_acc']), facts['dogset']['counts']['test'])}).\n",
            f"Breed: **{breed}**, "
            + ("the breed the CNNs recognise worst on the validation set: " if not q9["chosen_by_flag"] else "")
            + f"{pct_spread(q9['validation_recall_per_seed'][breed], 0)} of its {n} validation images correct over "
              f"{plural(seeds, 'seed')}; it is the worst breed for {agree(same, seeds)}"
            + ("" if same == seeds else f" (the others: {', '.join(b for b in q9['worst_breed_per_seed'] if b != breed)})")
            + (f". By the seeds' averaged prediction it is most often mistaken for "
               f"{' and '.join([q9['most_confused_with'], *tied])} "
               f"({plural(q9['most_confused_count'], 'image')}{' each' if tied else ''})."
               if q9["most_confused_count"] else
               ". The seeds' averaged prediction never mistakes its validation images for another breed.")]
    if q9["breeds_without_validation_images"]:
        text.append(f"Breeds without validation images, left out: {', '.join(q9['breeds_without_validation_images'])}.")
    text += [describe_image(k, image, q9) for k, image in enumerate(q9["images"], 1)]
    text += cause(q9, [b["train"] for b in facts["q8"]["breeds"]])
    return text[0] + "\n" + " ".join(sentence(t) for t in text[1:])


def cause(q9: dict, train_counts: list[int]) -> list[str]:
    """Why the breed is hard, as far as the facts tell: a shortage of training images only when
    it has fewer than SCARCE of the other breeds' median, then what 64×64 pixels leave to go on."""
    breed, n, median = q9["breed"], q9["breed_train_images"], q9["median_train_images_other_breeds"]
    # tested: tests/test_answers.py::test_q9_claims_no_cause_it_did_not_measure
    pixels = ("what makes these images hard is not measured here: the key measures only their brightness "
              "and contrast against their own breed's average (above), not how they resemble other breeds.")
    if median is None:
        return [f"{sentence(breed)} is the only breed with training images, so there is nothing to compare its "
                f"supply with.", sentence(pixels)]
    if n < SCARCE * median:
        return [f"The main cause is in the data: {breed} has only {n:,} training images against a median of {median:,.0f} "
                f"for the other breeds, so the networks seldom predict it at all (on average "
                f"{q9['validation_predicted_as_breed_mean']:.0f} of the {q9['validation_images']:,} validation images are "
                f"predicted {breed}).", "Beyond that, " + pixels]
    fewest = n <= min(train_counts) and n < median  # a tie with the median is no shortage
    supply = (f"It has the fewest training images of the breeds, {n:,}, but only {1 - n / median:.0%} below the median "
              f"of {median:,.0f} for the other breeds, so a shortage of examples is unlikely to explain it. " if fewest else
              f"It is not short of examples: {n:,} training images against a median of {median:,.0f} for the other "
              f"breeds. ")
    return [supply +
            f"On average the networks predict {breed} for {q9['validation_predicted_as_breed_mean']:.0f} of the "
            f"{q9['validation_images']:,} validation images.", pixels]


def render(facts: dict) -> dict[str, str]:
    return {"Q8": answer_q8(facts), "Q9": answer_q9(facts)}


def corrections(facts: dict) -> list[tuple[str, str, str]]:
    """Q8 against the old sheet's counts: right when this key's data has the same split."""
    q8, dogset = facts["q8"], facts["dogset"]
    if q8["partition_counts"] == OLD_SHEET_Q8:
        height, width, _ = q8["image_shape"]
        return [("Q8", split(OLD_SHEET_Q8), f"**right**: the same split, counted on {dogset['source']}, with "
                                           f"{q8['num_breeds']} breeds of {height}×{width} {q8['channels']} images")]
    other = ": other images than the old key's, so not comparable" if dogset["rebuilt"] else ""
    return [("Q8", split(OLD_SHEET_Q8), f"{split(q8['partition_counts'])} on {dogset['source']}{other}")]


def subtitle(facts: dict) -> str:
    return f"Data: {facts['data']}"


def draw(facts: dict) -> dict:
    """figures/q08_counts.png from the facts."""
    import numpy as np

    from common.plots import plt

    breeds = facts["q8"]["breeds"]
    fig, ax = plt.subplots(figsize=(8, 4.5))
    names = [b["breed"] for b in breeds]
    left = np.zeros(len(names))
    for partition in ("train", "valid", "test"):
        values = np.array([b[partition] for b in breeds])
        ax.barh(names, values, left=left, label=partition)
        left += values
    ax.invert_yaxis()  # breed 0 at the top, as in the table
    ax.set(xlabel="images", title="DogSet: images per breed and partition", xlim=(0, left.max() * 1.25))
    ax.legend(loc="lower right")
    fig.suptitle(subtitle(facts), fontsize=8, y=0.0, va="top")
    return {"q08_counts.png": fig}


def draw_images(facts: dict, data) -> dict:
    """figures/q08_samples.png and q09_challenging.png: DogSet's own pixels (`data`, a
    DogsDataset of the same bytes) placed as the facts say; no trained model needed."""
    import numpy as np

    from common.plots import plt

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
    fig.text(0.5, 0.005, subtitle(facts), ha="center", fontsize=6)
    fig.tight_layout(rect=(0, 0.015, 1, 0.98))

    q9 = facts["q9"]
    hard, axes = plt.subplots(1, len(q9["images"]), figsize=(3.2 * len(q9["images"]), 3.9))
    valid = data.raw_images("valid")
    for ax, image in zip(np.atleast_1d(axes), q9["images"]):
        ax.imshow(valid[image["index"]], interpolation="nearest")
        ax.set_title(f"{image['filename']}\ntrue: {q9['breed']}\npredicted: {image['predicted']} "
                     f"({image['p_predicted']:.2f})\nmean p(true) = {image['p_true']:.3f}", fontsize=8)
        ax.axis("off")
    hard.suptitle(f"Q9: the {q9['breed']} validation images the CNNs of {seed_list(q9['seeds'])} find hardest "
                  f"(mean over seeds)", fontsize=10)
    hard.text(0.5, 0.01, subtitle(facts), ha="center", fontsize=7)
    hard.tight_layout(rect=(0, 0.04, 1, 0.95))
    return {"q08_samples.png": fig, "q09_challenging.png": hard}
