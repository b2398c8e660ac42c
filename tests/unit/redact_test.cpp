// DESIGN: passwords from a DSN never appear in output, logs or results.

#include <gtest/gtest.h>

#include "harness/db/connection.hpp"

namespace lg::db {
namespace {

TEST(RedactDsn, HidesPasswordsInEveryForm) {
  EXPECT_EQ(redact_dsn("postgresql://app:s3cret@db.example:5432/shop"),
            "postgresql://app:***@db.example:5432/shop");
  EXPECT_EQ(redact_dsn("postgres://app:s3cret@localhost/shop?sslmode=disable"),
            "postgres://app:***@localhost/shop?sslmode=disable");
  EXPECT_EQ(redact_dsn("host=localhost password=s3cret dbname=shop"),
            "host=localhost password=*** dbname=shop");
  EXPECT_EQ(redact_dsn("host=localhost password = 'two words' dbname=shop"),
            "host=localhost password = *** dbname=shop");
  EXPECT_EQ(redact_dsn("postgresql:///shop?host=/tmp&password=s3cret&user=app"),
            "postgresql:///shop?host=/tmp&password=***&user=app");
}

TEST(RedactDsn, LeavesDsnsWithoutPasswordAlone) {
  EXPECT_EQ(redact_dsn("host=/tmp/lg-x port=5432 dbname=loadgate user=loadgate"),
            "host=/tmp/lg-x port=5432 dbname=loadgate user=loadgate");
  EXPECT_EQ(redact_dsn("postgresql://app@localhost/shop"), "postgresql://app@localhost/shop");
  EXPECT_EQ(redact_dsn(""), "");
}

}  // namespace
}  // namespace lg::db
