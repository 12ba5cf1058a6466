// Each learning-rate rule against its definition, and plateau state round trips.
#include "train/lr_schedule.h"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "rnngen/error.h"

namespace rnngen {
namespace {

LrScheduleOptions with(LrRule rule) {
  LrScheduleOptions o;
  o.rule = rule;
  o.lr = 0.1;
  return o;
}

TEST(LrSchedule, ConstantNeverChanges) {
  LrSchedule s(with(LrRule::kConstant));
  EXPECT_EQ(s.lr(0, 0), 0.1);
  EXPECT_EQ(s.lr(123456, 99), 0.1);
  EXPECT_FALSE(s.on_validation(5.0));
  EXPECT_FALSE(s.on_validation(6.0));
  EXPECT_EQ(s.lr(1, 1), 0.1);
}

TEST(LrSchedule, StepDecaysEachEpochAfterTheFirstE) {
  auto o = with(LrRule::kStep);
  o.decay = 0.5;
  o.decay_after = 3;
  LrSchedule s(o);
  // Epochs 1..3 (0-based 0..2) at full rate; the 4th at lr*F, the 5th at lr*F^2.
  EXPECT_EQ(s.lr(0, 0), 0.1);
  EXPECT_EQ(s.lr(50, 2), 0.1);
  EXPECT_DOUBLE_EQ(s.lr(60, 3), 0.05);
  EXPECT_DOUBLE_EQ(s.lr(80, 4), 0.025);
  EXPECT_DOUBLE_EQ(s.lr(80, 10), 0.1 * std::pow(0.5, 8));
  // E = 0 behaves as char-rnn: the first decay still waits for the end of the first epoch.
  o.decay_after = 0;
  LrSchedule s0(o);
  EXPECT_EQ(s0.lr(0, 0), 0.1);
  EXPECT_DOUBLE_EQ(s0.lr(10, 1), 0.05);
}

TEST(LrSchedule, PlateauDecaysWhenValidationDoesNotImprove) {
  auto o = with(LrRule::kPlateau);
  o.decay = 0.5;
  LrSchedule s(o);
  EXPECT_FALSE(s.on_validation(2.0));  // first: the best so far
  EXPECT_EQ(s.lr(10, 0), 0.1);
  EXPECT_FALSE(s.on_validation(1.5));  // better
  EXPECT_TRUE(s.on_validation(1.5));   // equal is not better
  EXPECT_DOUBLE_EQ(s.lr(20, 0), 0.05);
  EXPECT_TRUE(s.on_validation(1.7));   // worse
  EXPECT_DOUBLE_EQ(s.lr(30, 0), 0.025);
  EXPECT_FALSE(s.on_validation(1.4));  // better again: the rate stays where it is
  EXPECT_DOUBLE_EQ(s.lr(40, 0), 0.025);
  EXPECT_TRUE(s.on_validation(NAN));   // a diverged evaluation is no improvement
  EXPECT_DOUBLE_EQ(s.lr(50, 0), 0.0125);
  EXPECT_EQ(s.state().best, 1.4);
}

TEST(LrSchedule, PlateauPatienceAndFloor) {
  auto o = with(LrRule::kPlateau);
  o.decay = 0.1;
  o.patience = 2;
  o.min_lr = 0.005;
  LrSchedule s(o);
  s.on_validation(1.0);
  EXPECT_FALSE(s.on_validation(1.1));
  EXPECT_FALSE(s.on_validation(1.2));
  EXPECT_TRUE(s.on_validation(1.3));  // third bad one in a row
  EXPECT_DOUBLE_EQ(s.lr(0, 0), 0.01);
  for (int i = 0; i < 3; ++i) s.on_validation(2.0);
  EXPECT_EQ(s.lr(0, 0), 0.005);  // 0.001 would be below the floor
}

TEST(LrSchedule, PlateauStateRoundTrips) {
  auto o = with(LrRule::kPlateau);
  o.decay = 0.5;
  LrSchedule a(o);
  a.on_validation(1.0);
  a.on_validation(1.2);
  LrSchedule b(o);
  b.set_state(a.state());
  EXPECT_EQ(b.lr(0, 0), a.lr(0, 0));
  EXPECT_EQ(b.on_validation(1.1), a.on_validation(1.1));
  EXPECT_EQ(b.lr(0, 0), a.lr(0, 0));
}

TEST(LrSchedule, CosineFromLrToMinOverTotalSteps) {
  auto o = with(LrRule::kCosine);
  o.total_steps = 100;
  o.min_lr = 0.01;
  LrSchedule s(o);
  EXPECT_DOUBLE_EQ(s.lr(0, 0), 0.1);
  EXPECT_NEAR(s.lr(50, 0), 0.055, 1e-15);  // halfway: the mean of lr and min
  EXPECT_NEAR(s.lr(25, 0), 0.01 + 0.09 * (1 + std::cos(std::numbers::pi / 4)) / 2, 1e-15);
  EXPECT_DOUBLE_EQ(s.lr(100, 3), 0.01);
  EXPECT_DOUBLE_EQ(s.lr(250, 7), 0.01);  // held at the minimum afterwards
  double prev = 1.0;
  for (int t = 0; t <= 100; ++t) {
    EXPECT_LE(s.lr(t, 0), prev);
    prev = s.lr(t, 0);
  }
}

TEST(LrSchedule, LinearFromLrToMinOverTotalSteps) {
  auto o = with(LrRule::kLinear);
  o.total_steps = 200;
  o.min_lr = 0.02;
  LrSchedule s(o);
  EXPECT_DOUBLE_EQ(s.lr(0, 0), 0.1);
  EXPECT_NEAR(s.lr(50, 0), 0.02 + 0.08 * 0.75, 1e-15);
  EXPECT_NEAR(s.lr(150, 1), 0.02 + 0.08 * 0.25, 1e-15);
  EXPECT_DOUBLE_EQ(s.lr(200, 2), 0.02);
  EXPECT_DOUBLE_EQ(s.lr(999, 9), 0.02);
}

// Under --max-time the run's end is a time: the share of the budget spent drives the decay,
// unless the step count is further along.
TEST(LrSchedule, TimeBudgetDrivesTheDecay) {
  auto o = with(LrRule::kCosine);
  o.time_budget = true;  // no total steps: the budget alone says where the run ends
  LrSchedule s(o);
  EXPECT_DOUBLE_EQ(s.lr(7, 0, 0.0), 0.1);
  EXPECT_NEAR(s.lr(7, 0, 0.5), 0.05, 1e-15);
  EXPECT_NEAR(s.lr(7, 0, 0.25), 0.1 * (1 + std::cos(std::numbers::pi / 4)) / 2, 1e-15);
  EXPECT_DOUBLE_EQ(s.lr(7, 0, 1.0), 0.0);
  EXPECT_DOUBLE_EQ(s.lr(7, 0, 1.7), 0.0);  // past the budget (the last step's overrun): held
  o.total_steps = 100;
  LrSchedule both(o);
  EXPECT_NEAR(both.lr(50, 0, 0.1), 0.05, 1e-15);  // steps further along than time
  EXPECT_NEAR(both.lr(10, 0, 0.5), 0.05, 1e-15);  // time further along than steps
  auto lin = with(LrRule::kLinear);
  lin.time_budget = true;
  EXPECT_NEAR(LrSchedule(lin).lr(3, 0, 0.3), 0.07, 1e-15);
}

TEST(LrSchedule, WarmupRampsAnyRuleLinearly) {
  auto o = with(LrRule::kCosine);
  o.total_steps = 1000;
  o.warmup_steps = 4;
  LrSchedule s(o);
  LrSchedule plain([&] { auto p = o; p.warmup_steps = 0; return p; }());
  for (int t = 0; t < 4; ++t) EXPECT_DOUBLE_EQ(s.lr(t, 0), plain.lr(t, 0) * (t + 1) / 4.0);
  for (int t = 4; t < 20; ++t) EXPECT_DOUBLE_EQ(s.lr(t, 0), plain.lr(t, 0));
  auto c = with(LrRule::kConstant);
  c.warmup_steps = 10;
  EXPECT_DOUBLE_EQ(LrSchedule(c).lr(0, 0), 0.01);
  EXPECT_DOUBLE_EQ(LrSchedule(c).lr(9, 0), 0.1);
  c.warmup_steps = -1;
  EXPECT_THROW(LrSchedule{c}, InputError);
}

TEST(LrSchedule, ParsesNamesAndRejectsBadOptions) {
  EXPECT_EQ(parse_lr_rule("cosine"), LrRule::kCosine);
  EXPECT_EQ(to_string(parse_lr_rule("plateau")), "plateau");
  EXPECT_EQ(parse_lr_rule("linear"), LrRule::kLinear);
  EXPECT_THROW(parse_lr_rule("exponential"), InputError);
  auto o = with(LrRule::kCosine);
  EXPECT_THROW(LrSchedule{o}, InputError);  // no total steps
  o = with(LrRule::kStep);
  o.decay = 1.5;
  try {
    LrSchedule s(o);
    FAIL();
  } catch (const InputError& e) {
    EXPECT_STREQ(e.what(), "--lr-decay must be in (0, 1], got 1.5");
  }
  o = with(LrRule::kConstant);
  o.lr = -1;
  EXPECT_THROW(LrSchedule{o}, InputError);
}

}  // namespace
}  // namespace rnngen
