// Integration-test entry point: one embedded PostgreSQL cluster for the whole binary.
#include <gtest/gtest.h>

#include "tests/integration/pg_fixture.hpp"

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  // gtest owns and deletes the environment.
  ::testing::AddGlobalTestEnvironment(new lg::test::PgEnvironment);
  return RUN_ALL_TESTS();
}
