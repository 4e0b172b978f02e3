//! The folder an export fills. It is made beside the folder asked for, under a hidden name, and
//! becomes that folder only once everything is written: an export that fails half-way (the
//! database gone, the disk full) leaves nothing behind that looks like an archive.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context as _};

pub struct Staged {
    dir: PathBuf,
    /// Deleted with everything in it if the export never finishes.
    work: tempfile::TempDir,
}

impl Staged {
    /// Refuses a `dir` with files in it (no file of the user's is ever overwritten).
    pub fn begin(dir: &Path) -> anyhow::Result<Staged> {
        ensure_empty(dir)?;
        let Some(name) = dir.file_name() else {
            bail!("{} names no folder to export into", dir.display());
        };
        let parent = match dir.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent,
            _ => Path::new("."),
        };
        std::fs::create_dir_all(parent)
            .with_context(|| format!("could not create {}", parent.display()))?;
        let work = tempfile::Builder::new()
            .prefix(&format!(".{}.partial-", name.to_string_lossy()))
            .tempdir_in(parent)
            .with_context(|| format!("could not create a folder in {}", parent.display()))?;
        Ok(Staged {
            dir: dir.to_path_buf(),
            work,
        })
    }

    /// Where the export writes meanwhile.
    pub fn path(&self) -> &Path {
        self.work.path()
    }

    /// Everything is written: the folder takes the name asked for.
    pub fn finish(self) -> anyhow::Result<()> {
        if self.dir.exists() {
            // Empty when the export began; if something was put there since, it stays, and so
            // does the export, under its working name.
            if let Err(e) = std::fs::remove_dir(&self.dir) {
                let kept = self.work.keep();
                bail!(
                    "{} is no longer empty ({e}); the export is in {}",
                    self.dir.display(),
                    kept.display()
                );
            }
        }
        let work = self.work.keep();
        std::fs::rename(&work, &self.dir).with_context(|| {
            format!(
                "could not rename {} to {}; the export is there",
                work.display(),
                self.dir.display()
            )
        })
    }
}

fn ensure_empty(dir: &Path) -> anyhow::Result<()> {
    let empty = match std::fs::read_dir(dir) {
        Ok(mut entries) => entries.next().is_none(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => true,
        Err(e) => return Err(e).with_context(|| format!("could not read {}", dir.display())),
    };
    if !empty {
        bail!(
            "{} is not empty: export into a new folder, so no file of yours is overwritten",
            dir.display()
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn a_finished_export_takes_the_name_and_leaves_nothing_else() {
        let root = tempfile::tempdir().unwrap();
        for out in [root.path().join("new"), root.path().join("made-empty")] {
            if out.ends_with("made-empty") {
                std::fs::create_dir(&out).unwrap();
            }
            let staged = Staged::begin(&out).unwrap();
            std::fs::write(staged.path().join("post.md"), "words").unwrap();
            assert!(
                !out.join("post.md").exists(),
                "not there before it is finished"
            );
            staged.finish().unwrap();
            assert_eq!(
                std::fs::read_to_string(out.join("post.md")).unwrap(),
                "words"
            );
        }
        assert_eq!(entries(root.path()), ["made-empty", "new"]);
    }

    #[test]
    fn an_export_that_never_finishes_leaves_nothing() {
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("archive");
        let staged = Staged::begin(&out).unwrap();
        std::fs::create_dir(staged.path().join("images")).unwrap();
        std::fs::write(staged.path().join("images/a.png"), [1, 2, 3]).unwrap();
        drop(staged);
        assert!(entries(root.path()).is_empty());
    }

    #[test]
    fn a_folder_with_files_is_refused_and_kept() {
        let root = tempfile::tempdir().unwrap();
        std::fs::write(root.path().join("mine.txt"), "keep me").unwrap();
        let refused = Staged::begin(root.path()).err().unwrap().to_string();
        assert!(refused.contains("is not empty"), "{refused}");

        // Filled while the export ran: the user's file and the export both stay.
        let out = root.path().join("archive");
        let staged = Staged::begin(&out).unwrap();
        std::fs::create_dir(&out).unwrap();
        std::fs::write(out.join("theirs.txt"), "theirs").unwrap();
        let said = staged.finish().err().unwrap().to_string();
        assert!(said.contains("is no longer empty"), "{said}");
        assert_eq!(
            std::fs::read_to_string(out.join("theirs.txt")).unwrap(),
            "theirs"
        );
        assert_eq!(entries(root.path()).len(), 3, "{:?}", entries(root.path()));
    }
}
