"""Operations over a project: the pipelines that bring files in and write them out."""
